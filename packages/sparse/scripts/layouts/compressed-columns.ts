/** The CSC index of a CSR matrix over the same stored values. */
export interface CompressedColumns {
  /** outputs + 1 offsets: column o's entries are [columnPointers[o], columnPointers[o + 1]). */
  readonly columnPointers: Int32Array;
  /** The row (input) of each CSC entry, ascending within a column. */
  readonly rowIndices: Int32Array;
  /** The CSR slot (index into the values) of each CSC entry. */
  readonly cscToCsr: Int32Array;
}

/**
 * Builds the CSC index of the CSR matrix (rowPointers, columnIndices) by a counting sort over the columns:
 * O(nnz + outputs) time, rows ascending within each column because the CSR rows are visited in order.
 */
export function compressColumns(rowPointers: Int32Array, columnIndices: Int32Array, outputs: number): CompressedColumns {
  const nnz = columnIndices.length;
  const inputs = rowPointers.length - 1;
  const columnPointers = new Int32Array(outputs + 1);
  for (let k = 0; k < nnz; k++) columnPointers[columnIndices[k]! + 1]!++;
  for (let o = 0; o < outputs; o++) columnPointers[o + 1]! += columnPointers[o]!;
  const next = columnPointers.slice(0, outputs);
  const rowIndices = new Int32Array(nnz);
  const cscToCsr = new Int32Array(nnz);
  for (let i = 0; i < inputs; i++) {
    for (let k = rowPointers[i]!; k < rowPointers[i + 1]!; k++) {
      const slot = next[columnIndices[k]!]!++;
      rowIndices[slot] = i;
      cscToCsr[slot] = k;
    }
  }
  return { columnPointers, rowIndices, cscToCsr };
}
