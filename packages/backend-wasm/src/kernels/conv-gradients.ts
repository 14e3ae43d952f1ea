import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { DATA_BASE, type KernelRuntime } from '../native/kernel-runtime.js';
import { align, gemmScratchBytes, PARALLEL_MIN_MACS, runGemm, type GemmJob } from './gemm-job.js';

const KIND_IM2COL = 2;
const KIND_COL2IM = 3;

/** Where a convolution's images, patch rows and sizes are: the patch-job parameters of assembly/layout.ts (slots 24–38). */
function patchParams(kind: number, info: backend_util.Conv2DInfo, image: number, columns: number): number[] {
  const slots = new Array<number>(39).fill(0);
  slots[0] = kind;
  slots[1] = info.batchSize;
  slots.splice(24, 15, image, columns, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left);
  return slots;
}

function patchThreads(runtime: KernelRuntime, info: backend_util.Conv2DInfo): number {
  const work = info.batchSize * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels;
  return work >= PARALLEL_MIN_MACS / 4 ? runtime.activeThreads : 1;
}

/** The convolution as the kernels run it, or why not (the caller then runs the kernel it replaced). */
function convInfo(x: readonly number[], filter: readonly number[], attrs: NamedAttrMap): backend_util.Conv2DInfo | string {
  if (attrs['dataFormat'] !== undefined && attrs['dataFormat'] !== 'NHWC') return `data format ${String(attrs['dataFormat'])}`;
  const dilations = (attrs['dilations'] ?? 1) as number | [number, number];
  return backend_util.computeConv2DInfo(
    x as [number, number, number, number],
    filter as [number, number, number, number],
    attrs['strides'] as [number, number],
    dilations,
    attrs['pad'] as Parameters<typeof backend_util.computeConv2DInfo>[4],
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
  );
}

/**
 * dW = patchesᵀ · dY: the filter gradient of a channels-last convolution, as one im2col job and one product
 * (M = filter height · width · input channels, N = output channels, K = batch · output pixels, split along K).
 */
export function runConv2DBackpropFilter(runtime: KernelRuntime, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo | string {
  const x = inputs['x'];
  const dy = inputs['dy'];
  if (x === undefined || dy === undefined) return 'missing input x or dy';
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return 'not float32';
  const info = convInfo(x.shape, attrs['filterShape'] as number[], attrs);
  if (typeof info === 'string') return info;
  const m = info.filterHeight * info.filterWidth * info.inChannels;
  const k = info.batchSize * info.outHeight * info.outWidth;
  const n = info.outChannels;
  if (dy.shape.join() !== info.outShape.join()) return `dy of shape [${dy.shape.join(', ')}]`;
  const xPtr = DATA_BASE;
  const columns = align(xPtr + x.shape.reduce((p, d) => p * d, 1) * 4);
  const dyPtr = align(columns + k * m * 4);
  const out = align(dyPtr + k * n * 4);
  const table = align(out + m * n * 4);
  const scratch = align(table + 8);
  const shape = { m, n, k, batches: 1, bias: 0, activation: 'linear' as const };
  const end = scratch + gemmScratchBytes(shape, runtime.activeThreads);
  if (!runtime.reserve(end)) return `operands of ${end} bytes exceed the kernels' memory`;
  runtime.f32.set(backend.typedArrayFromHeap(x) as Float32Array, xPtr / 4);
  runtime.f32.set(backend.typedArrayFromHeap(dy) as Float32Array, dyPtr / 4);
  runtime.i32.fill(0, table / 4, table / 4 + 2);
  runtime.run(patchParams(KIND_IM2COL, info, xPtr, columns), patchThreads(runtime, info));
  const job: GemmJob = { ...shape, a: columns, aStrides: [1, m], b: dyPtr, bStrides: [n, 1], c: out, table, alpha: 0 };
  runGemm(runtime, job, scratch);
  const result = backend.makeOutput([...info.filterShape], 'float32');
  (backend.typedArrayFromHeap(result) as Float32Array).set(runtime.f32.subarray(out / 4, out / 4 + m * n));
  return result;
}

/**
 * dX = col2im(dY · Wᵀ): the input gradient of a channels-last convolution, as one product (M = batch · output
 * pixels, N = filter height · width · input channels, K = output channels) and one col2im job.
 */
export function runConv2DBackpropInput(runtime: KernelRuntime, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo | string {
  const dy = inputs['dy'];
  const filter = inputs['filter'];
  if (dy === undefined || filter === undefined) return 'missing input dy or filter';
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') return 'not float32';
  const inputShape = attrs['inputShape'] as number[];
  const info = convInfo(inputShape, filter.shape, attrs);
  if (typeof info === 'string') return info;
  if (dy.shape.join() !== info.outShape.join()) return `dy of shape [${dy.shape.join(', ')}]`;
  const m = info.batchSize * info.outHeight * info.outWidth;
  const n = info.filterHeight * info.filterWidth * info.inChannels;
  const k = info.outChannels;
  const dyPtr = DATA_BASE;
  const filterPtr = align(dyPtr + m * k * 4);
  const columns = align(filterPtr + n * k * 4);
  const dx = align(columns + m * n * 4);
  const table = align(dx + inputShape.reduce((p, d) => p * d, 1) * 4);
  const scratch = align(table + 8);
  const shape = { m, n, k, batches: 1, bias: 0, activation: 'linear' as const };
  const end = scratch + gemmScratchBytes(shape, runtime.activeThreads);
  if (!runtime.reserve(end)) return `operands of ${end} bytes exceed the kernels' memory`;
  runtime.f32.set(backend.typedArrayFromHeap(dy) as Float32Array, dyPtr / 4);
  runtime.f32.set(backend.typedArrayFromHeap(filter) as Float32Array, filterPtr / 4);
  runtime.i32.fill(0, table / 4, table / 4 + 2);
  // W is [(r, c, channel), out]: B[k = out, j = (r, c, channel)] = W[j · out + k]
  const job: GemmJob = { ...shape, a: dyPtr, aStrides: [k, 1], b: filterPtr, bStrides: [1, k], c: columns, table, alpha: 0 };
  runGemm(runtime, job, scratch);
  runtime.run(patchParams(KIND_COL2IM, info, dx, columns), patchThreads(runtime, info));
  const size = inputShape.reduce((p, d) => p * d, 1);
  const result = backend.makeOutput([...inputShape], 'float32');
  (backend.typedArrayFromHeap(result) as Float32Array).set(runtime.f32.subarray(dx / 4, dx / 4 + size));
  return result;
}
