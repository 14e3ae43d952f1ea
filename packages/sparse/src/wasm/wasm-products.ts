// The three products on the WebAssembly SIMD kernels. Each call lays out the kernel's CSR arrays and the operands
// (batch-inner, the batch padded to a multiple of 4 so that every row is whole f32x4 vectors), runs the same
// scatter / gather / sampled-dot steps as the TypeScript products and copies the result out. Nothing of the dense
// kernel's size is placed: memory is O(nnz + batch · (inputs + outputs)).
import type { SparseKernel } from '../kernel/sparse-kernel.js';
import { checkBackwardInput, checkForward, checkSampledGradient } from '../products/check-operands.js';
import type { SparseProducts } from '../products/sparse-products.js';
import { Layout, type SparseWasmRuntime } from './wasm-runtime.js';

/** The batch rounded up to whole f32x4 vectors. */
export const paddedWidth = (batch: number): number => Math.ceil(batch / 4) * 4;

/** The products on one instance of the WASM kernels. */
export function wasmProducts(runtime: SparseWasmRuntime): SparseProducts {
  const k = runtime.kernels;
  return {
    implementation: 'wasm',
    fallbackReason: undefined,
    forward(kernel: SparseKernel, x: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkForward(kernel, x, batch, out);
      const { inputs, outputs, nnz } = kernel;
      const width = paddedWidth(batch);
      const at = new Layout();
      const ptr = at.place(4 * (inputs + 1));
      const idx = at.place(4 * nnz);
      const values = at.place(4 * nnz);
      const xr = at.place(4 * x.length);
      const xt = at.place(4 * inputs * width);
      const yt = at.place(4 * outputs * width);
      const y = at.place(4 * batch * outputs);
      runtime.reserve(at.end);
      runtime.putI32(ptr, kernel.rowPointers);
      runtime.putI32(idx, kernel.columnIndices);
      runtime.putF32(values, kernel.values);
      runtime.putF32(xr, x);
      k.toBatchInner(xr, xt, batch, inputs, width);
      // Yᵀ[o, :] = Σ_i W(i, o) · Xᵀ[i, :], row i of W scattering into the rows of Yᵀ it reaches
      k.scatterRows(inputs, ptr, idx, values, xt, yt, width, outputs);
      k.fromBatchInner(yt, y, batch, outputs, width);
      const result = out ?? new Float32Array(batch * outputs);
      runtime.getF32(y, result);
      return result;
    },
    backwardInput(kernel: SparseKernel, dy: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkBackwardInput(kernel, dy, batch, out);
      const { inputs, outputs, nnz } = kernel;
      const width = paddedWidth(batch);
      const at = new Layout();
      const ptr = at.place(4 * (inputs + 1));
      const idx = at.place(4 * nnz);
      const values = at.place(4 * nnz);
      const dyr = at.place(4 * dy.length);
      const dyt = at.place(4 * outputs * width);
      const dxt = at.place(4 * inputs * width);
      const dx = at.place(4 * batch * inputs);
      runtime.reserve(at.end);
      runtime.putI32(ptr, kernel.rowPointers);
      runtime.putI32(idx, kernel.columnIndices);
      runtime.putF32(values, kernel.values);
      runtime.putF32(dyr, dy);
      k.toBatchInner(dyr, dyt, batch, outputs, width);
      // dXᵀ[i, :] = Σ_{o ∈ row i} W(i, o) · dYᵀ[o, :]
      k.gatherRows(inputs, ptr, idx, values, dyt, dxt, width);
      k.fromBatchInner(dxt, dx, batch, inputs, width);
      const result = out ?? new Float32Array(batch * inputs);
      runtime.getF32(dx, result);
      return result;
    },
    sampledGradient(kernel: SparseKernel, x: Float32Array, dy: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkSampledGradient(kernel, x, dy, batch, out);
      const { inputs, outputs, nnz } = kernel;
      const width = paddedWidth(batch);
      const at = new Layout();
      const ptr = at.place(4 * (inputs + 1));
      const idx = at.place(4 * nnz);
      const xr = at.place(4 * x.length);
      const dyr = at.place(4 * dy.length);
      const xt = at.place(4 * inputs * width);
      const dyt = at.place(4 * outputs * width);
      const dw = at.place(4 * nnz);
      runtime.reserve(at.end);
      runtime.putI32(ptr, kernel.rowPointers);
      runtime.putI32(idx, kernel.columnIndices);
      runtime.putF32(xr, x);
      runtime.putF32(dyr, dy);
      k.toBatchInner(xr, xt, batch, inputs, width);
      k.toBatchInner(dyr, dyt, batch, outputs, width);
      // dW(i, o) = Xᵀ[i, :] · dYᵀ[o, :] for the stored (i, o), in CSR order
      k.sampledDots(inputs, ptr, idx, xt, dyt, dw, width);
      const result = out ?? new Float32Array(nnz);
      runtime.getF32(dw, result);
      return result;
    },
  };
}
