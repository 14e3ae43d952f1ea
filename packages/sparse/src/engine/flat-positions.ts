import type { CheckpointCsr } from '@topiary/core';
import type { SparseKernel } from '../kernel/sparse-kernel.js';

/** CSR (row pointers, columns) of ascending flat positions p = i · outputs + o of an inputs × outputs kernel: O(positions + inputs). */
export function csrOfPositions(inputs: number, outputs: number, positions: Float64Array): CheckpointCsr {
  const rowPointers = new Int32Array(inputs + 1);
  const columnIndices = new Int32Array(positions.length);
  for (let k = 0; k < positions.length; k++) {
    const p = positions[k]!;
    const row = Math.floor(p / outputs);
    rowPointers[row + 1]!++;
    columnIndices[k] = p - row * outputs;
  }
  for (let i = 0; i < inputs; i++) rowPointers[i + 1]! += rowPointers[i]!;
  return { rowPointers, columnIndices };
}

/** Ascending flat positions (row-major, i · outputs + o) of a kernel's stored weights. */
export function kernelPositions(kernel: SparseKernel): Float64Array {
  const { rowPointers, columnIndices, inputs, outputs } = kernel;
  const out = new Float64Array(columnIndices.length);
  for (let i = 0; i < inputs; i++) for (let k = rowPointers[i]!; k < rowPointers[i + 1]!; k++) out[k] = i * outputs + columnIndices[k]!;
  return out;
}
