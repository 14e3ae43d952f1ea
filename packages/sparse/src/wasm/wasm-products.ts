// The three products on the WebAssembly SIMD kernels. Each call finds the kernel's CSR structure (row pointers
// and column indices) resident in module memory, or copies it there once (resident-csr.ts: keyed by the identity
// of the arrays, so the engine's `withValues` kernels of one layer share one copy until the next mask update),
// copies the values (every call: an optimiser step changes them in place) and the operands (batch-inner, the batch
// padded to a multiple of 4 so that every row is whole f32x4 vectors) into the scratch area above the resident
// one, runs the same scatter / gather / sampled-dot steps as the TypeScript products and copies the result out.
// Nothing of the dense kernel's size is placed: memory is O(nnz of the resident structures + nnz + batch · (inputs
// + outputs)).
import type { SparseKernel } from '../kernel/sparse-kernel.js';
import { checkBackwardInput, checkForward, checkSampledGradient } from '../products/check-operands.js';
import type { SparseProducts } from '../products/sparse-products.js';
import { ResidentCsr, type PlacedStructure, type ResidentCsrOptions } from './resident-csr.js';
import { Layout, type SparseWasmRuntime } from './wasm-runtime.js';

/** The batch rounded up to whole f32x4 vectors. */
export const paddedWidth = (batch: number): number => Math.ceil(batch / 4) * 4;

/** Where a kernel's CSR arrays lie in module memory for one call. */
interface PlacedCsr {
  readonly ptr: number;
  readonly idx: number;
  /** The values' offset, or -1 when the product does not read them (the sampled gradient). */
  readonly values: number;
  /** Whether the row pointers and column indices still have to be copied (a structure that cannot be resident). */
  readonly copyStructure: boolean;
}

/**
 * Places the kernel's CSR arrays for one call: the structure where `structure` says it is resident, or in the
 * scratch `at` when it cannot be; the values, when `withValues`, always in the scratch.
 */
function placeCsr(at: Layout, kernel: SparseKernel, withValues: boolean, structure: PlacedStructure | undefined): PlacedCsr {
  const ptr = structure?.ptr ?? at.place(4 * (kernel.inputs + 1));
  const idx = structure?.idx ?? at.place(4 * kernel.nnz);
  return { ptr, idx, values: withValues ? at.place(4 * kernel.nnz) : -1, copyStructure: structure === undefined };
}

/** Copies the values and, when not resident, the structure in (after `reserve`). */
function putCsr(runtime: SparseWasmRuntime, kernel: SparseKernel, csr: PlacedCsr): void {
  if (csr.copyStructure) {
    runtime.putI32(csr.ptr, kernel.rowPointers);
    runtime.putI32(csr.idx, kernel.columnIndices);
  }
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

/** The WASM products and their resident structures. */
export interface WasmProducts extends SparseProducts {
  /** The CSR structures kept in module memory between calls. */
  readonly resident: ResidentCsr;
}

/** The products on one instance of the WASM kernels, keeping recently used CSR structures resident (`options`: its limits). */
export function wasmProducts(runtime: SparseWasmRuntime, options: ResidentCsrOptions = {}): WasmProducts {
  const k = runtime.kernels;
  const resident = new ResidentCsr(runtime, options);
  /** Places the kernel's CSR arrays (the structure first: it may move the start of the scratch) and a layout of the scratch above them. */
  const layoutFor = (kernel: SparseKernel, withValues: boolean): { at: Layout; csr: PlacedCsr } => {
    const structure = resident.place(kernel);
    const at = new Layout(resident.end);
    return { at, csr: placeCsr(at, kernel, withValues, structure) };
  };
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
    resident,
    forward(kernel: SparseKernel, x: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkForward(kernel, x, batch, out);
      const { at, csr } = layoutFor(kernel, true);
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
      const { at, csr } = layoutFor(kernel, true);
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
      const { at, csr } = layoutFor(kernel, false);
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
