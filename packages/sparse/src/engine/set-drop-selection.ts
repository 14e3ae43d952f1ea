/**
 * SET's drop (Mocanu et al. 2018: remove the fraction ζ of the positive weights closest to zero and ζ of the negative
 * ones) selected on the host in expected O(nnz) time and O(nnz) memory, with the same result as scoring the layer's
 * nonzeros with `@topiary/drop`'s `set` criterion (on the cpu backend) and dropping the k lowest scores with core's
 * `selectLowestActive` (ties to the lower position), without the criterion's full sort of the layer.
 *
 * The criterion's scores, reproduced here in float32 exactly as the cpu backend computes them: an active weight
 * w > 0 scores fround(r₊ / fround(n₊)), r₊ ∈ 1..n₊ its rank by |w| ascending among the n₊ positive weights (equal
 * |w| by lower position); the rank is a float32 cumulative sum, so it stops at 2²⁴ in groups larger than 2²⁴.
 * Negative weights likewise in their own group; weights equal to 0 (and NaN, which is neither > 0 nor < 0) score 0.
 * Equality with the criterion holds for finite weights (the criterion's sort does not order NaN).
 */

/** Where a float32 cumulative sum of ones stops growing: 2²⁴ + 1 rounds back to 2²⁴. */
const FLOAT32_RANK_LIMIT = 2 ** 24;

/** The criterion's float32 score of the weight of rank `rank` (1-based) in a sign group of float32 size `groupSize`. */
function rankScore(rank: number, groupSize: number): number {
  return Math.fround(Math.min(rank, FLOAT32_RANK_LIMIT) / groupSize);
}

/** (ma, ia) before (mb, ib): lower key first, equal keys by lower position. */
function before(ma: number, ia: number, mb: number, ib: number): boolean {
  return ma < mb || (ma === mb && ia < ib);
}

/** A fixed-seed xorshift32 for pivots: any pivot gives the same selection (the order is total), this one keeps the expected time linear. */
class PivotSource {
  private state = 0x9e3779b9;

  /** An integer in [lo, hi]. */
  next(lo: number, hi: number): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return lo + (this.state % (hi - lo + 1));
  }
}

/**
 * Rearranges keys/positions in [lo, hi) so that [lo, boundary) holds the (boundary − lo) first in (key, position)
 * order, in expected linear time (quickselect with Hoare partitions; keys and positions move together).
 */
function selectFirst(keys: Float32Array, positions: Int32Array, lo: number, hi: number, boundary: number, pivots: PivotSource): void {
  let left = lo;
  let right = hi - 1;
  while (left < boundary && boundary <= right) {
    const p = pivots.next(left, right);
    const pk = keys[p]!;
    const pp = positions[p]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (before(keys[i]!, positions[i]!, pk, pp)) i++;
      while (before(pk, pp, keys[j]!, positions[j]!)) j--;
      if (i <= j) {
        const k = keys[i]!;
        keys[i] = keys[j]!;
        keys[j] = k;
        const q = positions[i]!;
        positions[i] = positions[j]!;
        positions[j] = q;
        i++;
        j--;
      }
    }
    // [left, j] before the pivot, [i, right] after it, (j, i) the pivot: any boundary in [j + 1, i] is in place.
    if (boundary <= j) right = j;
    else if (boundary > i) left = i;
    else return;
  }
}

/** One sign group: its positions (ascending) and magnitudes, in step. */
interface SignGroup {
  readonly positions: Int32Array;
  readonly magnitudes: Float32Array;
  /** The group size as the criterion holds it (a float32 sum). */
  readonly size: number;
}

function signGroup(values: ArrayLike<number>, count: number, positive: boolean): SignGroup {
  const positions = new Int32Array(count);
  const magnitudes = new Float32Array(count);
  let j = 0;
  for (let p = 0; p < values.length; p++) {
    const w = values[p]!;
    if (positive ? w > 0 : w < 0) {
      positions[j] = p;
      magnitudes[j++] = Math.abs(w);
    }
  }
  return { positions, magnitudes, size: Math.fround(Math.max(count, 1)) };
}

/** How many ranks of a group of `count` score below `score` (`strictly`) or at most `score`, starting the search at `from`. */
function ranksScoring(group: SignGroup, count: number, from: number, score: number, strictly: boolean): number {
  let r = from;
  const passes = (rank: number): boolean => (strictly ? rankScore(rank, group.size) < score : rankScore(rank, group.size) <= score);
  while (r > 0 && !passes(r)) r--;
  while (r < count && passes(r + 1)) r++;
  return r;
}

/**
 * The k positions (ascending) SET's drop (Mocanu et al. 2018) removes from nonzeros `values`: the k lowest `set` scores, ties to the lower position.
 * @throws RangeError when k is not an integer in [0, values.length].
 */
export function selectSetDrop(values: ArrayLike<number>, k: number): Int32Array {
  const nnz = values.length;
  if (!Number.isInteger(k) || k < 0 || k > nnz) throw new RangeError(`selectSetDrop: k must be an integer in [0, ${nnz}], got ${k}`);
  let positives = 0;
  let negatives = 0;
  for (let p = 0; p < nnz; p++) {
    const w = values[p]!;
    if (w > 0) positives++;
    else if (w < 0) negatives++;
  }
  const zeros = nnz - positives - negatives;
  const dropped = new Uint8Array(nnz);
  // Zeros score 0, below every weight of a sign group (whose scores are at least fround(1 / n) > 0): the lowest positions first.
  let zerosLeft = Math.min(k, zeros);
  for (let p = 0; p < nnz && zerosLeft > 0; p++) {
    const w = values[p]!;
    if (!(w > 0 || w < 0)) {
      dropped[p] = 1;
      zerosLeft--;
    }
  }
  const rest = k - Math.min(k, zeros);
  if (rest > 0) {
    const pos = signGroup(values, positives, true);
    const neg = signGroup(values, negatives, false);
    // Merge the two nondecreasing score sequences up to the rest-th lowest score, `threshold`.
    let i = 0;
    let j = 0;
    let threshold = 0;
    for (let t = 0; t < rest; t++) {
      const sp = i < positives ? rankScore(i + 1, pos.size) : Infinity;
      const sn = j < negatives ? rankScore(j + 1, neg.size) : Infinity;
      if (sp <= sn) {
        threshold = sp;
        i++;
      } else {
        threshold = sn;
        j++;
      }
    }
    // Ranks 1..below score under the threshold (all dropped); ranks below+1..atMost score exactly the threshold.
    const posBelow = ranksScoring(pos, positives, i, threshold, true);
    const posAtMost = ranksScoring(pos, positives, i, threshold, false);
    const negBelow = ranksScoring(neg, negatives, j, threshold, true);
    const negAtMost = ranksScoring(neg, negatives, j, threshold, false);
    const pivots = new PivotSource();
    // Rank order is (|w|, position): the first `below` of a group, then the next (atMost − below).
    selectFirst(pos.magnitudes, pos.positions, 0, positives, posBelow, pivots);
    selectFirst(pos.magnitudes, pos.positions, posBelow, positives, posAtMost, pivots);
    selectFirst(neg.magnitudes, neg.positions, 0, negatives, negBelow, pivots);
    selectFirst(neg.magnitudes, neg.positions, negBelow, negatives, negAtMost, pivots);
    for (let r = 0; r < posBelow; r++) dropped[pos.positions[r]!] = 1;
    for (let r = 0; r < negBelow; r++) dropped[neg.positions[r]!] = 1;
    // The weights scoring the threshold tie: the lowest positions among them fill the rest.
    const tiedPos = posAtMost - posBelow;
    const tied = new Int32Array(tiedPos + negAtMost - negBelow);
    tied.set(pos.positions.subarray(posBelow, posAtMost));
    tied.set(neg.positions.subarray(negBelow, negAtMost), tiedPos);
    const taken = rest - posBelow - negBelow;
    selectFirst(new Float32Array(tied.length), tied, 0, tied.length, taken, pivots);
    for (let r = 0; r < taken; r++) dropped[tied[r]!] = 1;
  }
  const out = new Int32Array(k);
  let o = 0;
  for (let p = 0; p < nnz && o < k; p++) if (dropped[p] === 1) out[o++] = p;
  return out;
}
