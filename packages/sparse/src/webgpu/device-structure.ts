// The structure of a sparse kernel as int32 tensors on the device, uploaded once per structure (per mask update).
// WGSL has no float atomics, so the forward product cannot scatter along CSR rows as the host does: each output
// Y[b, o] is gathered along column o instead, which needs the column-major view (CSC) of the same entries and, for
// each CSC entry, the index of its value in the CSR-ordered values (the trainable variable stays in CSR order).
import * as tf from '@tensorflow/tfjs-core';
import type { SparseKernel } from '../kernel/sparse-kernel.js';

/**
 * An int32 vector of `values` with at least one element (WebGPU refuses empty bindings; the kernels never read the
 * padding), kept out of any enclosing tidy: the structure is made on first use, inside a step's tape.
 */
function indexTensor(values: Int32Array): tf.Tensor1D {
  return tf.keep(tf.tensor1d(values.length > 0 ? values : new Int32Array(1), 'int32'));
}

/**
 * A kernel's structure held on the WebGPU device for the WGSL products: the CSR arrays (for dX = dY·Wᵀ), the row
 * of each entry (for the sampled gradient) and the CSC view with an index into the CSR-ordered values (for the
 * forward product). 4 · (4 · nnz + inputs + outputs + 2) bytes; the values are not part of it.
 */
export class DeviceStructure {
  /** Rows of W (input units). */
  readonly inputs: number;
  /** Columns of W (output units). */
  readonly outputs: number;
  /** Stored entries. */
  readonly nnz: number;
  /** CSR row pointers (inputs + 1). */
  readonly rowPointers: tf.Tensor1D;
  /** CSR column of each entry (nnz, at least 1). */
  readonly columnIndices: tf.Tensor1D;
  /** The row of each CSR entry (nnz, at least 1). */
  readonly entryRows: tf.Tensor1D;
  /** CSC column pointers (outputs + 1). */
  readonly columnPointers: tf.Tensor1D;
  /** The row of each CSC entry, ascending within a column (nnz, at least 1). */
  readonly cscRows: tf.Tensor1D;
  /** For each CSC entry, the index of its value in the CSR order (nnz, at least 1). */
  readonly cscEntries: tf.Tensor1D;
  private disposed = false;

  private constructor(kernel: SparseKernel, tensors: readonly tf.Tensor1D[]) {
    this.inputs = kernel.inputs;
    this.outputs = kernel.outputs;
    this.nnz = kernel.nnz;
    [this.rowPointers, this.columnIndices, this.entryRows, this.columnPointers, this.cscRows, this.cscEntries] = tensors as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
  }

  /** Builds the CSC view on the host in O(nnz + inputs + outputs) and uploads the index arrays to the active backend. */
  static upload(kernel: SparseKernel): DeviceStructure {
    const { inputs, outputs, nnz, rowPointers, columnIndices } = kernel;
    const entryRows = new Int32Array(nnz);
    const columnPointers = new Int32Array(outputs + 1);
    for (let i = 0; i < inputs; i++) {
      for (let k = rowPointers[i]!; k < rowPointers[i + 1]!; k++) {
        entryRows[k] = i;
        columnPointers[columnIndices[k]! + 1]!++;
      }
    }
    for (let o = 0; o < outputs; o++) columnPointers[o + 1]! += columnPointers[o]!;
    // entries visited in CSR order land in each column in ascending row order
    const next = columnPointers.slice(0, outputs);
    const cscRows = new Int32Array(nnz);
    const cscEntries = new Int32Array(nnz);
    for (let k = 0; k < nnz; k++) {
      const slot = next[columnIndices[k]!]!++;
      cscRows[slot] = entryRows[k]!;
      cscEntries[slot] = k;
    }
    const tensors = [rowPointers, columnIndices, entryRows, columnPointers, cscRows, cscEntries].map(indexTensor);
    return new DeviceStructure(kernel, tensors);
  }

  /** Whether {@link DeviceStructure.dispose} was called. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Releases the index tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([this.rowPointers, this.columnIndices, this.entryRows, this.columnPointers, this.cscRows, this.cscEntries]);
  }
}
