import type { CheckpointCsr } from '@topiary/core';
import type { SparseKernel } from '../kernel/sparse-kernel.js';
import { csrOfPositions, kernelPositions } from './flat-positions.js';

/** The positions of a layer ever active, for the exploration rate: ascending flat positions, O(ever-active) memory. */
export class EverActive {
  private positions: Float64Array;

  private constructor(positions: Float64Array) {
    this.positions = positions;
  }

  /** The stored positions of a kernel. */
  static of(kernel: SparseKernel): EverActive {
    return new EverActive(kernelPositions(kernel));
  }

  /** A record of the given ascending flat positions (a checkpoint's). */
  static fromPositions(positions: Float64Array): EverActive {
    return new EverActive(positions);
  }

  /** The positions as CSR of an inputs × outputs kernel (for checkpoints): O(ever-active + inputs). */
  toCsr(inputs: number, outputs: number): CheckpointCsr {
    return csrOfPositions(inputs, outputs, this.positions);
  }

  /** Positions ever active. */
  get count(): number {
    return this.positions.length;
  }

  /** Adds the new connections of an update (entries whose source is −1). */
  add(kernel: SparseKernel, sources: Int32Array): void {
    const fresh = storedPositions(kernel, sources);
    if (fresh.length === 0) return;
    const merged = new Float64Array(this.positions.length + fresh.length);
    let a = 0;
    let b = 0;
    let n = 0;
    while (a < this.positions.length || b < fresh.length) {
      const pa = a < this.positions.length ? this.positions[a]! : Infinity;
      const pb = b < fresh.length ? fresh[b]! : Infinity;
      const p = Math.min(pa, pb);
      if (pa === p) a++;
      if (pb === p) b++;
      merged[n++] = p;
    }
    this.positions = merged.slice(0, n);
  }
}

/** Flat positions of a kernel's entries whose source is −1 (new connections), ascending. */
function storedPositions(kernel: SparseKernel, sources: Int32Array): Float64Array {
  let count = 0;
  for (const s of sources) count += s < 0 ? 1 : 0;
  const out = new Float64Array(count);
  let n = 0;
  for (let i = 0; i < kernel.inputs; i++) {
    for (let k = kernel.rowPointers[i]!; k < kernel.rowPointers[i + 1]!; k++) {
      if (sources[k]! < 0) out[n++] = i * kernel.outputs + kernel.columnIndices[k]!;
    }
  }
  return out;
}
