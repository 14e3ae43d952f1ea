import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { DATA_BASE, type KernelRuntime } from '../native/kernel-runtime.js';
import { align, FUSED_ACTIVATIONS, gemmScratchBytes, runGemm, type FusedActivation } from './gemm-job.js';
import { planMatMul } from './mat-mul-plan.js';

/** The inputs and attributes of one BatchMatMul or _FusedMatMul call. */
export interface MatMulCall {
  /** Left operand. */
  readonly a: TensorInfo;
  /** Right operand. */
  readonly b: TensorInfo;
  /** Whether A is used transposed (its last two axes swapped). */
  readonly transposeA: boolean;
  /** Whether B is used transposed. */
  readonly transposeB: boolean;
  /** Bias added to every row of C, if any. */
  readonly bias?: TensorInfo;
  /** Activation applied last. */
  readonly activation: FusedActivation;
  /** Slope of leakyrelu below zero. */
  readonly alpha: number;
}

/**
 * Runs a product with Topiary's kernels: copies the operands from tfjs's heap into the kernels' memory, runs the
 * job on the active threads and copies C into a new tfjs tensor. Returns why not when it cannot (the caller then
 * runs tfjs's own kernel): a dtype, a bias shape or a size the kernels do not take.
 */
export function runMatMul(runtime: KernelRuntime, backend: BackendWasm, call: MatMulCall): TensorInfo | string {
  const { a, b, bias } = call;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || (bias !== undefined && bias.dtype !== 'float32')) return 'not float32';
  const plan = planMatMul(a.shape, b.shape, call.transposeA, call.transposeB);
  if (typeof plan === 'string') return plan;
  const { m, n, k, batches } = plan;
  const biasSize = bias === undefined ? 0 : bias.shape.reduce((p, d) => p * d, 1);
  if (bias !== undefined && !(biasSize === 1 || (biasSize === n && bias.shape[bias.shape.length - 1] === n))) {
    return `bias of shape [${bias.shape.join(', ')}]`;
  }
  const aSize = a.shape.reduce((p, d) => p * d, 1);
  const bSize = b.shape.reduce((p, d) => p * d, 1);
  const threads = runtime.activeThreads;
  const aPtr = DATA_BASE;
  const bPtr = align(aPtr + aSize * 4);
  const biasPtr = align(bPtr + bSize * 4);
  const cPtr = align(biasPtr + (bias === undefined ? 0 : align(n * 4) + 32));
  const tablePtr = align(cPtr + batches * m * n * 4);
  const scratchAt = align(tablePtr + batches * 8);
  const shape = { m, n, k, batches, bias: bias === undefined ? 0 : biasPtr, activation: call.activation };
  const end = scratchAt + gemmScratchBytes(shape, threads);
  if (!runtime.reserve(end)) return `operands of ${end} bytes exceed the kernels' memory`;
  const f32 = runtime.f32;
  const i32 = runtime.i32;
  f32.set(backend.typedArrayFromHeap(a) as Float32Array, aPtr / 4);
  f32.set(backend.typedArrayFromHeap(b) as Float32Array, bPtr / 4);
  if (bias !== undefined) {
    const values = backend.typedArrayFromHeap(bias) as Float32Array;
    if (biasSize === 1) f32.fill(values[0]!, biasPtr / 4, biasPtr / 4 + n);
    else f32.set(values, biasPtr / 4);
  }
  const table = i32.subarray(tablePtr / 4, tablePtr / 4 + batches * 2);
  for (let i = 0; i < batches; i++) {
    table[2 * i] = plan.batchPairs[2 * i]! * m * k * 4;
    table[2 * i + 1] = plan.batchPairs[2 * i + 1]! * k * n * 4;
  }
  runGemm(
    runtime,
    { ...shape, a: aPtr, aStrides: plan.aStrides, b: bPtr, bStrides: plan.bStrides, c: cPtr, table: tablePtr, alpha: call.alpha },
    scratchAt,
  );
  const out = backend.makeOutput(plan.outShape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(runtime.f32.subarray(cPtr / 4, cPtr / 4 + batches * m * n));
  return out;
}

/** Reads a kernel call's inputs and attributes into a {@link MatMulCall}; undefined for an activation or PReLU the kernels lack. */
export function matMulCall(inputs: NamedTensorInfoMap, attrs: NamedAttrMap | undefined, fused: boolean): MatMulCall | string {
  const a = inputs['a'];
  const b = inputs['b'];
  if (a === undefined || b === undefined) return 'missing input a or b';
  const transposeA = attrs?.['transposeA'] === true;
  const transposeB = attrs?.['transposeB'] === true;
  if (!fused) return { a, b, transposeA, transposeB, activation: 'linear', alpha: 0 };
  const activation = (attrs?.['activation'] ?? 'linear') as string;
  if (!(activation in FUSED_ACTIVATIONS)) return `activation ${activation}`;
  if (inputs['preluActivationWeights'] !== undefined) return 'PReLU weights';
  const alpha = typeof attrs?.['leakyreluAlpha'] === 'number' ? (attrs['leakyreluAlpha'] as number) : 0.2;
  const bias = inputs['bias'];
  return { a, b, transposeA, transposeB, activation: activation as FusedActivation, alpha, ...(bias ? { bias } : {}) };
}
