// The WGSL programs as tfjs kernels of the webgpu backend, and the ops that run them (so the engine's tape, tidy
// and profiler see them as any other kernel). Registered on first use: the package has no import side effects.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { DeviceStructure } from './device-structure.js';
import { GrowCandidatesProgram, SampledGradientProgram, SparseBackwardInputProgram, SparseForwardProgram } from './sparse-programs.js';

/** Kernel names of the WGSL products and of the growth-candidate scores. */
export const SPARSE_WEBGPU_KERNELS = {
  forward: 'TopiarySparseForward',
  backwardInput: 'TopiarySparseBackwardInput',
  sampledGradient: 'TopiarySampledGradient',
  growCandidates: 'TopiaryGrowCandidates',
} as const;

/** Uniforms a program defines beyond tfjs's shapes. */
type ProgramUniforms = Parameters<WebGPUBackend['runWebGPUProgram']>[3];

/** A kernel function running the program made for `inputs` (taken in the order of `names`) into a float32 output. */
function programKernel(names: readonly string[], makeProgram: (inputs: readonly TensorInfo[], attrs: Record<string, unknown>) => { program: WebGPUProgram; uniforms?: ProgramUniforms }): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const gpu = backend as unknown as WebGPUBackend;
    const ordered = names.map((name) => inputs[name] as TensorInfo);
    const { program, uniforms } = makeProgram(ordered, attrs as Record<string, unknown>);
    return gpu.runWebGPUProgram(program, ordered, 'float32', uniforms);
  };
}

const kernels: KernelConfig[] = [
  {
    kernelName: SPARSE_WEBGPU_KERNELS.forward,
    backendName: 'webgpu',
    kernelFunc: programKernel(['x', 'weights', 'columnPointers', 'cscRows', 'cscEntries'], ([x], attrs) => ({ program: new SparseForwardProgram([x!.shape[0]!, attrs['outputs'] as number]) })),
  },
  {
    kernelName: SPARSE_WEBGPU_KERNELS.backwardInput,
    backendName: 'webgpu',
    kernelFunc: programKernel(['dy', 'weights', 'rowPointers', 'columnIndices'], ([dy], attrs) => ({ program: new SparseBackwardInputProgram([dy!.shape[0]!, attrs['inputs'] as number]) })),
  },
  {
    kernelName: SPARSE_WEBGPU_KERNELS.sampledGradient,
    backendName: 'webgpu',
    kernelFunc: programKernel(['x', 'dy', 'entryRows', 'columnIndices'], (_, attrs) => ({ program: new SampledGradientProgram([attrs['nnz'] as number]) })),
  },
  {
    kernelName: SPARSE_WEBGPU_KERNELS.growCandidates,
    backendName: 'webgpu',
    kernelFunc: programKernel(['tile', 'rowPointers', 'columnIndices', 'dropped'], ([tile], attrs) => ({
      program: new GrowCandidatesProgram([tile!.shape[0]! * tile!.shape[1]!]),
      uniforms: [{ type: 'int32', data: [attrs['rowOffset'] as number] }],
    })),
  },
];

/** Registers the WGSL kernels for the `webgpu` backend (once; kernels already registered under these names stay). */
export function registerSparseWebGpuKernels(): void {
  for (const config of kernels) if (tf.getKernel(config.kernelName, 'webgpu') === undefined) tf.registerKernel(config);
}

/** Throws unless the active backend is webgpu and `structure` is usable. */
function checkDevice(what: string, structure: DeviceStructure): void {
  const backend = tf.getBackend();
  if (backend !== 'webgpu') throw new Error(`${what}: the WGSL products need the 'webgpu' backend; the active backend is '${backend}'`);
  if (structure.isDisposed) throw new Error(`${what}: the DeviceStructure has been disposed (its layer's structure was replaced)`);
  registerSparseWebGpuKernels();
}

/** Throws unless `t` is a float32 tensor of `shape`. */
function checkOperand(what: string, name: string, t: tf.Tensor, shape: readonly number[]): void {
  const ok = t.dtype === 'float32' && t.rank === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!ok) throw new Error(`${what}: ${name} is ${t.dtype} [${t.shape.join(', ')}]; expected float32 [${shape.join(', ')}]`);
}

/** Rows of a [batch, width] operand, checked to be a positive integer. */
function batchOf(what: string, name: string, t: tf.Tensor): number {
  const batch = t.shape[0];
  if (t.rank !== 2 || batch === undefined || batch < 1) throw new Error(`${what}: ${name} has shape [${t.shape.join(', ')}]; expected [batch ≥ 1, width]`);
  return batch;
}

/**
 * One product of an operand [batch, width] with W (forward) or Wᵀ (dX), checked: the operand named `name` must be
 * [batch, width] and `values` nnz floats; an empty structure gives zeros [batch, resultWidth].
 */
function weightProduct(what: string, structure: DeviceStructure, name: string, operand: tf.Tensor, values: tf.Tensor, width: number, resultWidth: number, run: () => tf.Tensor): tf.Tensor2D {
  checkDevice(what, structure);
  const batch = batchOf(what, name, operand);
  checkOperand(what, name, operand, [batch, width]);
  checkOperand(what, 'values', values, [structure.nnz]);
  return (structure.nnz === 0 ? tf.zeros([batch, resultWidth]) : run()) as tf.Tensor2D;
}

/** Y = X·W on the device (WGSL, gathered along CSC columns): x [batch, inputs], values (nnz, CSR order) → [batch, outputs]. */
export function webGpuForward(structure: DeviceStructure, x: tf.Tensor, values: tf.Tensor): tf.Tensor2D {
  return weightProduct('webGpuForward', structure, 'x', x, values, structure.inputs, structure.outputs, () =>
    tf.engine().runKernel(SPARSE_WEBGPU_KERNELS.forward, { x, weights: values, columnPointers: structure.columnPointers, cscRows: structure.cscRows, cscEntries: structure.cscEntries }, { outputs: structure.outputs }) as tf.Tensor,
  );
}

/** dX = dY·Wᵀ on the device (WGSL, gathered along CSR rows): dy [batch, outputs], values (nnz) → [batch, inputs]. */
export function webGpuBackwardInput(structure: DeviceStructure, dy: tf.Tensor, values: tf.Tensor): tf.Tensor2D {
  return weightProduct('webGpuBackwardInput', structure, 'dy', dy, values, structure.outputs, structure.inputs, () =>
    tf.engine().runKernel(SPARSE_WEBGPU_KERNELS.backwardInput, { dy, weights: values, rowPointers: structure.rowPointers, columnIndices: structure.columnIndices }, { inputs: structure.inputs }) as tf.Tensor,
  );
}

/** dW = Xᵀ·dY at the stored entries on the device (WGSL, one invocation per entry): → nnz floats in CSR order. */
export function webGpuSampledGradient(structure: DeviceStructure, x: tf.Tensor, dy: tf.Tensor): tf.Tensor1D {
  const what = 'webGpuSampledGradient';
  checkDevice(what, structure);
  const batch = batchOf(what, 'x', x);
  checkOperand(what, 'x', x, [batch, structure.inputs]);
  checkOperand(what, 'dy', dy, [batch, structure.outputs]);
  if (structure.nnz === 0) return tf.zeros([0]);
  const inputs = { x, dy, entryRows: structure.entryRows, columnIndices: structure.columnIndices };
  return tf.engine().runKernel(SPARSE_WEBGPU_KERNELS.sampledGradient, inputs, { nnz: structure.nnz }) as tf.Tensor1D;
}

/**
 * The growth scores of a tile of ∂L/∂W (rows [rowOffset, rowOffset + rows)): |g| at positions inactive after the
 * drop, −1 at active ones; `dropped` is an int32 vector (nnz, at least 1) with 1 at dropped entries. → rows · outputs.
 */
export function webGpuGrowCandidates(structure: DeviceStructure, tile: tf.Tensor, rowOffset: number, dropped: tf.Tensor): tf.Tensor1D {
  const what = 'webGpuGrowCandidates';
  checkDevice(what, structure);
  const rows = batchOf(what, 'tile', tile);
  checkOperand(what, 'tile', tile, [rows, structure.outputs]);
  if (!(Number.isInteger(rowOffset) && rowOffset >= 0 && rowOffset + rows <= structure.inputs)) {
    throw new Error(`${what}: rowOffset ${rowOffset} with ${rows} rows; expected an integer with rowOffset + rows ≤ inputs = ${structure.inputs}`);
  }
  if (dropped.dtype !== 'int32' || dropped.rank !== 1 || dropped.size !== Math.max(1, structure.nnz)) {
    throw new Error(`${what}: dropped is ${dropped.dtype} [${dropped.shape.join(', ')}]; expected int32 [${Math.max(1, structure.nnz)}] (nnz, at least 1)`);
  }
  const inputs = { tile, rowPointers: structure.rowPointers, columnIndices: structure.columnIndices, dropped };
  return tf.engine().runKernel(SPARSE_WEBGPU_KERNELS.growCandidates, inputs, { rowOffset }) as tf.Tensor1D;
}
