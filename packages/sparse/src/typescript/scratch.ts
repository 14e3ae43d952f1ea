/** Grow-only Float32Array buffers for a product's intermediate operands, one per slot, reused across calls. */
export class Scratch {
  private readonly buffers: Float32Array[] = [];

  /** A buffer of at least `length` floats for `slot` (its contents are whatever the last user left). */
  take(slot: number, length: number): Float32Array {
    const have = this.buffers[slot];
    if (have !== undefined && have.length >= length) return have;
    const fresh = new Float32Array(length);
    this.buffers[slot] = fresh;
    return fresh;
  }
}
