import { SparseKernel } from '../kernel/sparse-kernel.js';

/**
 * A layer's structure after the drop stage of an update: the stored entries with the dropped ones marked. It
 * answers "is (i, o) active after the drop" by a binary search in row i (O(log row length)), and builds the
 * structure after the growth from the kept and the grown entries, without anything of the dense kernel's size.
 */
export class AfterDrop {
  /** Kept entries (stored and not dropped). */
  readonly kept: number;

  /** `dropped[j]` is 1 when stored entry j (structure order) was dropped. */
  constructor(
    readonly kernel: SparseKernel,
    readonly values: Float32Array,
    readonly dropped: Uint8Array,
  ) {
    let count = 0;
    for (let j = 0; j < dropped.length; j++) if (dropped[j] === 0) count++;
    this.kept = count;
  }

  /** Positions (flat i · outputs + o) that are inactive after the drop. */
  get inactive(): number {
    return this.kernel.inputs * this.kernel.outputs - this.kept;
  }

  /** The stored index of (row, column), or −1 when it is not stored. */
  storedIndex(row: number, column: number): number {
    const columns = this.kernel.columnIndices;
    let lo = this.kernel.rowPointers[row]!;
    let hi = this.kernel.rowPointers[row + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = columns[mid]!;
      if (c === column) return mid;
      if (c < column) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Whether flat position p is active after the drop. */
  isActive(position: number): boolean {
    const outputs = this.kernel.outputs;
    const row = Math.floor(position / outputs);
    const j = this.storedIndex(row, position - row * outputs);
    return j >= 0 && this.dropped[j] === 0;
  }

  /**
   * The structure after growing `grown` (ascending flat positions, all inactive after the drop) with its values,
   * and for each new entry the stored index it comes from (its value and optimiser state carry over) or −1 (new,
   * value 0 and fresh state). A grown position that was dropped in this update is regrown with its value and
   * state, as the masked engine does (its mask never changed).
   */
  grow(grown: Float64Array): { kernel: SparseKernel; sources: Int32Array } {
    const { inputs, outputs, rowPointers, columnIndices } = this.kernel;
    const nnz = this.kept + grown.length;
    const newRowPointers = new Int32Array(inputs + 1);
    const newColumns = new Int32Array(nnz);
    const newValues = new Float32Array(nnz);
    const sources = new Int32Array(nnz);
    let g = 0;
    let k = 0;
    for (let i = 0; i < inputs; i++) {
      let j = rowPointers[i]!;
      const end = rowPointers[i + 1]!;
      const rowStart = i * outputs;
      const rowEnd = rowStart + outputs;
      for (;;) {
        const stored = j < end ? rowStart + columnIndices[j]! : Infinity;
        const next = g < grown.length && grown[g]! < rowEnd ? grown[g]! : Infinity;
        if (stored === Infinity && next === Infinity) break;
        if (stored < next) {
          // a stored entry no grown position reaches: kept, or dropped for good
          if (this.dropped[j] === 0) {
            newColumns[k] = columnIndices[j]!;
            newValues[k] = this.values[j]!;
            sources[k++] = j;
          }
          j++;
        } else if (next < stored) {
          newColumns[k] = next - rowStart;
          newValues[k] = 0;
          sources[k++] = -1;
          g++;
        } else {
          // dropped in this update and regrown: its value and state stay
          newColumns[k] = columnIndices[j]!;
          newValues[k] = this.values[j]!;
          sources[k++] = j;
          j++;
          g++;
        }
      }
      newRowPointers[i + 1] = k;
    }
    if (k !== nnz || g !== grown.length) throw new Error(`sparse engine: growth of ${grown.length} positions left ${k} entries for ${nnz} (a grown position was active after the drop)`);
    return { kernel: SparseKernel.fromCsr(inputs, outputs, newValues, newRowPointers, newColumns), sources };
  }
}
