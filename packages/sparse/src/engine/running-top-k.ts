/**
 * The k highest (score, position) pairs of a stream, in O(k) memory: a binary min-heap whose root is the worst
 * pair kept. Order: higher score first, ties to the lower position (the order of core's `selectHighestInactive`),
 * so a stream offered in any order keeps the same k pairs as a selection over the whole array.
 */
export class RunningTopK {
  private readonly scores: Float64Array;
  private readonly positions: Float64Array;
  private size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.positions = new Float64Array(k);
  }

  /** Pairs kept so far (at most k). */
  get count(): number {
    return this.size;
  }

  /** The score a new pair must beat once k are kept (−∞ before). */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  /** Offers one pair; kept when fewer than k are kept or it comes before the worst kept. */
  offer(score: number, position: number): void {
    if (this.k === 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      this.scores[i] = score;
      this.positions[i] = position;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    const rootScore = this.scores[0]!;
    if (score < rootScore || (score === rootScore && position > this.positions[0]!)) return;
    this.scores[0] = score;
    this.positions[0] = position;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < this.size && this.worse(left, worst)) worst = left;
      if (right < this.size && this.worse(right, worst)) worst = right;
      if (worst === i) break;
      this.swap(i, worst);
      i = worst;
    }
  }

  /** The kept positions, ascending. */
  positionsAscending(): Float64Array {
    return this.positions.slice(0, this.size).sort();
  }

  /** Whether pair a comes after pair b in the selection order (a is the worse). */
  private worse(a: number, b: number): boolean {
    const sa = this.scores[a]!;
    const sb = this.scores[b]!;
    return sa < sb || (sa === sb && this.positions[a]! > this.positions[b]!);
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
    const p = this.positions[a]!;
    this.positions[a] = this.positions[b]!;
    this.positions[b] = p;
  }
}
