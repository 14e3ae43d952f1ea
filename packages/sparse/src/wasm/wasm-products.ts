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

/** Where a kernel's CSR arrays lie in module memory. */
interface PlacedCsr {
  readonly ptr: number;
  readonly idx: number;
  /** The values' offset, or -1 when the product does not read them (the sampled gradient). */
  readonly values: number;
}

/** Places the kernel's row pointers, column indices and, when `withValues`, its values. */
function placeCsr(at: Layout, kernel: SparseKernel, withValues: boolean): PlacedCsr {
  return { ptr: at.place(4 * (kernel.inputs + 1)), idx: at.place(4 * kernel.nnz), values: withValues ? at.place(4 * kernel.nnz) : -1 };
}

/** Copies the placed CSR arrays in (after `reserve`). */
function putCsr(runtime: SparseWasmRuntime, kernel: SparseKernel, csr: PlacedCsr): void {
  runtime.putI32(csr.ptr, kernel.rowPointers);
  runtime.putI32(csr.idx, kernel.columnIndices);
  if (csr.values >= 0) runtime.putF32(csr.values, kernel.values);
}

/** Where an operand of `rows` features lies: as given ([batch, rows]) and batch-inner ([rows, width]). */
interface PlacedOperand {
  readonly given: number;
  readonly inner: number;
  readonly rows: number;
}

/** Places an operand of `rows` features for `batch` examples, as given and batch-inner. */
function placeOperand(at: Layout, rows: number, batch: number): PlacedOperand {
  return { given: at.place(4 * batch * rows), inner: at.place(4 * rows * paddedWidth(batch)), rows };
}

/** The products on one instance of the WASM kernels. */
export function wasmProducts(runtime: SparseWasmRuntime): SparseProducts {
  const k = runtime.kernels;
  /** Copies an operand in and lays it out batch-inner (after `reserve`). */
  const putOperand = (operand: PlacedOperand, data: Float32Array, batch: number): void => {
    runtime.putF32(operand.given, data);
    k.toBatchInner(operand.given, operand.inner, batch, operand.rows, paddedWidth(batch));
  };
  /** Lays a batch-inner result out as [batch, rows] and copies it out. */
  const getOperand = (operand: PlacedOperand, batch: number, out: Float32Array | undefined): Float32Array => {
    k.fromBatchInner(operand.inner, operand.given, batch, operand.rows, paddedWidth(batch));
    const result = out ?? new Float32Array(batch * operand.rows);
    runtime.getF32(operand.given, result);
    return result;
  };
  return {
    implementation: 'wasm',
    fallbackReason: undefined,
    forward(kernel: SparseKernel, x: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkForward(kernel, x, batch, out);
      const at = new Layout();
      const csr = placeCsr(at, kernel, true);
      const xs = placeOperand(at, kernel.inputs, batch);
      const ys = placeOperand(at, kernel.outputs, batch);
      runtime.reserve(at.end);
      putCsr(runtime, kernel, csr);
      putOperand(xs, x, batch);
      // Yᵀ[o, :] = Σ_i W(i, o) · Xᵀ[i, :], row i of W scattering into the rows of Yᵀ it reaches
      k.scatterRows(kernel.inputs, csr.ptr, csr.idx, csr.values, xs.inner, ys.inner, paddedWidth(batch), kernel.outputs);
      return getOperand(ys, batch, out);
    },
    backwardInput(kernel: SparseKernel, dy: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkBackwardInput(kernel, dy, batch, out);
      const at = new Layout();
      const csr = placeCsr(at, kernel, true);
      const dys = placeOperand(at, kernel.outputs, batch);
      const dxs = placeOperand(at, kernel.inputs, batch);
      runtime.reserve(at.end);
      putCsr(runtime, kernel, csr);
      putOperand(dys, dy, batch);
      // dXᵀ[i, :] = Σ_{o ∈ row i} W(i, o) · dYᵀ[o, :]
      k.gatherRows(kernel.inputs, csr.ptr, csr.idx, csr.values, dys.inner, dxs.inner, paddedWidth(batch));
      return getOperand(dxs, batch, out);
    },
    sampledGradient(kernel: SparseKernel, x: Float32Array, dy: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkSampledGradient(kernel, x, dy, batch, out);
      const at = new Layout();
      const csr = placeCsr(at, kernel, false);
      const xs = placeOperand(at, kernel.inputs, batch);
      const dys = placeOperand(at, kernel.outputs, batch);
      const dw = at.place(4 * kernel.nnz);
      runtime.reserve(at.end);
      putCsr(runtime, kernel, csr);
      putOperand(xs, x, batch);
      putOperand(dys, dy, batch);
      // dW(i, o) = Xᵀ[i, :] · dYᵀ[o, :] for the stored (i, o), in CSR order
      k.sampledDots(kernel.inputs, csr.ptr, csr.idx, xs.inner, dys.inner, dw, paddedWidth(batch));
      const result = out ?? new Float32Array(kernel.nnz);
      runtime.getF32(dw, result);
      return result;
    },
  };
}
