// The sparse form of one Dense kernel W [inputs, outputs] (tfjs layout, y = x·W): its nonzeros only, as CSR of W
// (rows = inputs). CSR alone serves all three products: forward scatters along the rows, the input gradient
// gathers along them and the sampled gradient takes one dot product per entry (docs/engine.md, "Sparse storage",
// has the measurements against CSC, CSR + CSC and row-major operands).
import { check } from '@topiary/core';
import { checkKernelShape } from './check-shape.js';

/** The parts a SparseKernel is made of (see the fields of {@link SparseKernel}). */
interface KernelParts {
  readonly inputs: number;
  readonly outputs: number;
  readonly values: Float32Array;
  readonly rowPointers: Int32Array;
  readonly columnIndices: Int32Array;
}

/** Coordinates and values of the stored entries of a kernel, in any order (see {@link SparseKernel.fromEntries}). */
export interface KernelEntries {
  /** Rows of W (the input unit) of each entry. */
  readonly rows: ArrayLike<number>;
  /** Columns of W (the output unit) of each entry. */
  readonly columns: ArrayLike<number>;
  /** The value of each entry. */
  readonly values: ArrayLike<number>;
}

/**
 * The nonzeros of one Dense kernel W [inputs, outputs] in compressed sparse rows (CSR). Entries are stored in
 * row-major order of W (the order of the ones of its mask): `values[k]` is W(i, columnIndices[k]) for
 * rowPointers[i] ≤ k < rowPointers[i + 1]. The structure is immutable; `values` may be updated in place (an
 * optimiser step).
 */
export class SparseKernel {
  /** Rows of W: the layer's input units. */
  readonly inputs: number;
  /** Columns of W: the layer's output units. */
  readonly outputs: number;
  /** Stored entries. */
  readonly nnz: number;
  /** The stored weights, row-major order of W (nnz). */
  readonly values: Float32Array;
  /** inputs + 1 offsets: row i's entries are [rowPointers[i], rowPointers[i + 1]). */
  readonly rowPointers: Int32Array;
  /** The column (output unit) of each entry, ascending within a row (nnz). */
  readonly columnIndices: Int32Array;

  private constructor(parts: KernelParts) {
    this.inputs = parts.inputs;
    this.outputs = parts.outputs;
    this.values = parts.values;
    this.rowPointers = parts.rowPointers;
    this.columnIndices = parts.columnIndices;
    this.nnz = parts.values.length;
  }

  /**
   * The nonzeros of `weights` (W, row-major [inputs, outputs], inputs · outputs floats) where `mask` (same layout,
   * 0 or 1 per weight) is 1. A stored weight may itself be 0: the mask, not the value, says what exists.
   */
  static fromDense(weights: Float32Array, mask: ArrayLike<number>, inputs: number, outputs: number): SparseKernel {
    checkKernelShape(inputs, outputs, 'SparseKernel.fromDense');
    const size = inputs * outputs;
    check(weights instanceof Float32Array, 'SparseKernel.fromDense: weights', describeArray(weights), 'a Float32Array');
    check(weights.length === size, 'SparseKernel.fromDense: weights.length', weights.length, `inputs · outputs = ${inputs} · ${outputs} = ${size}`);
    check(mask !== null && typeof mask === 'object' && typeof mask.length === 'number', 'SparseKernel.fromDense: mask', describeArray(mask), 'an array of 0/1');
    check(mask.length === size, 'SparseKernel.fromDense: mask.length', mask.length, `inputs · outputs = ${inputs} · ${outputs} = ${size}`);
    let nnz = 0;
    for (let p = 0; p < size; p++) {
      const m = mask[p]!;
      if (m === 1) nnz++;
      else if (m !== 0) check(false, `SparseKernel.fromDense: mask[${p}] (row ${Math.floor(p / outputs)}, column ${p % outputs})`, m, '0 or 1');
    }
    const values = new Float32Array(nnz);
    const rowPointers = new Int32Array(inputs + 1);
    const columnIndices = new Int32Array(nnz);
    let k = 0;
    for (let i = 0; i < inputs; i++) {
      const row = i * outputs;
      for (let o = 0; o < outputs; o++) {
        if (mask[row + o] === 1) {
          values[k] = weights[row + o]!;
          columnIndices[k++] = o;
        }
      }
      rowPointers[i + 1] = k;
    }
    return new SparseKernel({ inputs, outputs, values, rowPointers, columnIndices });
  }

  /**
   * A kernel from the coordinates and values of its stored entries, in any order, without a buffer of the dense
   * kernel's size: the way to build one from sparse state. Duplicate coordinates are refused.
   */
  static fromEntries(inputs: number, outputs: number, entries: KernelEntries): SparseKernel {
    checkKernelShape(inputs, outputs, 'SparseKernel.fromEntries', false);
    const { rows, columns } = entries;
    const nnz = rows.length;
    check(columns.length === nnz, 'SparseKernel.fromEntries: columns.length', columns.length, `rows.length = ${nnz}`);
    check(entries.values.length === nnz, 'SparseKernel.fromEntries: values.length', entries.values.length, `rows.length = ${nnz}`);
    for (let e = 0; e < nnz; e++) {
      const i = rows[e]!;
      const o = columns[e]!;
      if (!(Number.isInteger(i) && i >= 0 && i < inputs)) check(false, `SparseKernel.fromEntries: rows[${e}]`, i, `an integer in [0, ${inputs})`);
      if (!(Number.isInteger(o) && o >= 0 && o < outputs)) check(false, `SparseKernel.fromEntries: columns[${e}]`, o, `an integer in [0, ${outputs})`);
    }
    // counting sort by row, then columns ascending inside each row
    const rowPointers = new Int32Array(inputs + 1);
    for (let e = 0; e < nnz; e++) rowPointers[rows[e]! + 1]!++;
    for (let i = 0; i < inputs; i++) rowPointers[i + 1]! += rowPointers[i]!;
    const next = rowPointers.slice(0, inputs);
    const order = new Int32Array(nnz);
    for (let e = 0; e < nnz; e++) order[next[rows[e]!]!++] = e;
    const values = new Float32Array(nnz);
    const columnIndices = new Int32Array(nnz);
    for (let i = 0; i < inputs; i++) {
      const start = rowPointers[i]!;
      const end = rowPointers[i + 1]!;
      const slice = Array.from(order.subarray(start, end)).sort((a, b) => columns[a]! - columns[b]!);
      for (let k = start; k < end; k++) {
        const e = slice[k - start]!;
        columnIndices[k] = columns[e]!;
        values[k] = entries.values[e]!;
        if (k > start && columnIndices[k] === columnIndices[k - 1]) {
          check(false, `SparseKernel.fromEntries: entry ${e}`, [i, columns[e]], 'a coordinate (row, column) given once');
        }
      }
    }
    return new SparseKernel({ inputs, outputs, values, rowPointers, columnIndices });
  }

  /**
   * A kernel from its CSR arrays, taken as they are (not copied): row pointers non-decreasing from 0 to nnz and
   * columns ascending within each row, checked in O(nnz + inputs).
   */
  static fromCsr(inputs: number, outputs: number, values: Float32Array, rowPointers: Int32Array, columnIndices: Int32Array): SparseKernel {
    checkKernelShape(inputs, outputs, 'SparseKernel.fromCsr', false);
    const nnz = values.length;
    check(columnIndices.length === nnz, 'SparseKernel.fromCsr: columnIndices.length', columnIndices.length, `values.length = ${nnz}`);
    check(rowPointers.length === inputs + 1 && rowPointers[0] === 0 && rowPointers[inputs] === nnz, 'SparseKernel.fromCsr: rowPointers', `length ${rowPointers.length}, first ${rowPointers[0]}, last ${rowPointers[rowPointers.length - 1]}`, `inputs + 1 = ${inputs + 1} offsets from 0 to nnz = ${nnz}`);
    for (let i = 0; i < inputs; i++) {
      const start = rowPointers[i]!;
      const end = rowPointers[i + 1]!;
      if (end < start) check(false, `SparseKernel.fromCsr: rowPointers[${i + 1}]`, end, `≥ rowPointers[${i}] = ${start}`);
      for (let k = start; k < end; k++) {
        const c = columnIndices[k]!;
        if (!(c >= 0 && c < outputs) || (k > start && c <= columnIndices[k - 1]!)) check(false, `SparseKernel.fromCsr: columnIndices[${k}] (row ${i})`, c, `an integer in [0, ${outputs}) above the row's previous column`);
      }
    }
    return new SparseKernel({ inputs, outputs, values, rowPointers, columnIndices });
  }

  /** The same structure holding `values` (nnz floats, same order): how the engine hands products the current weights without copying the indices. */
  withValues(values: Float32Array): SparseKernel {
    check(values instanceof Float32Array && values.length === this.nnz, 'SparseKernel.withValues: values', describeArray(values) + (values instanceof Float32Array ? `(${values.length})` : ''), `a Float32Array of nnz = ${this.nnz} floats`);
    return new SparseKernel({ inputs: this.inputs, outputs: this.outputs, values, rowPointers: this.rowPointers, columnIndices: this.columnIndices });
  }

  /** W as a dense row-major [inputs, outputs] Float32Array, zeros where no weight is stored (for tests and export). */
  toDense(): Float32Array {
    checkKernelShape(this.inputs, this.outputs, 'SparseKernel.toDense');
    const dense = new Float32Array(this.inputs * this.outputs);
    for (let i = 0; i < this.inputs; i++) {
      for (let k = this.rowPointers[i]!; k < this.rowPointers[i + 1]!; k++) dense[i * this.outputs + this.columnIndices[k]!] = this.values[k]!;
    }
    return dense;
  }

  /** The mask of W (1 where a weight is stored), row-major [inputs, outputs]. */
  toMask(): Uint8Array {
    checkKernelShape(this.inputs, this.outputs, 'SparseKernel.toMask');
    const mask = new Uint8Array(this.inputs * this.outputs);
    for (let i = 0; i < this.inputs; i++) {
      for (let k = this.rowPointers[i]!; k < this.rowPointers[i + 1]!; k++) mask[i * this.outputs + this.columnIndices[k]!] = 1;
    }
    return mask;
  }

  /** Fraction of W's weights stored: nnz / (inputs · outputs). */
  get density(): number {
    return this.nnz / (this.inputs * this.outputs);
  }

  /** Bytes the kernel holds: values, column indices and row pointers (8 · nnz + 4 · (inputs + 1)). */
  get bytes(): number {
    return this.values.byteLength + this.columnIndices.byteLength + this.rowPointers.byteLength;
  }
}

/** A short description of a value that should have been an array, for error messages. */
function describeArray(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return typeof value === 'object' ? `${name ?? 'object'}` : typeof value;
}
