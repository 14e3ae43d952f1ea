/**
 * The two selection primitives every sparse-training method shares (RigL's mask updater, Cerebras'
 * drop-minimum / grow-maximum): drop the k lowest-scoring active weights, grow the k highest-scoring
 * inactive positions. Both run in expected O(n) time (quickselect over a total order) and break ties
 * deterministically: among equal scores the lower flat index is selected first.
 */

/** Ordering used for selection: returns true when (sa, ia) comes before (sb, ib). */
type Before = (sa: number, ia: number, sb: number, ib: number) => boolean;

const lowerFirst: Before = (sa, ia, sb, ib) => sa < sb || (sa === sb && ia < ib);
const higherFirst: Before = (sa, ia, sb, ib) => sa > sb || (sa === sb && ia < ib);

/** Mask values are 0 (inactive) or 1 (active); any typed or plain numeric array works. */
export type MaskArray = ArrayLike<number>;

function candidates(mask: MaskArray, active: boolean): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if ((mask[i] !== 0) === active) count++;
  const out = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < mask.length; i++) if ((mask[i] !== 0) === active) out[j++] = i;
  return out;
}

/** Moves the k first elements (in `before` order) of idx to idx[0..k) in expected linear time. */
function partialSelect(idx: Int32Array, scores: ArrayLike<number>, k: number, before: Before): void {
  let lo = 0;
  let hi = idx.length - 1;
  const swap = (a: number, b: number): void => {
    const t = idx[a]!;
    idx[a] = idx[b]!;
    idx[b] = t;
  };
  const precedes = (a: number, b: number): boolean => before(scores[idx[a]!]!, idx[a]!, scores[idx[b]!]!, idx[b]!);
  while (lo < hi) {
    // median of three as pivot, moved to hi
    const mid = (lo + hi) >>> 1;
    if (precedes(mid, lo)) swap(mid, lo);
    if (precedes(hi, lo)) swap(hi, lo);
    if (precedes(mid, hi)) swap(mid, hi);
    const pivotIdx = idx[hi]!;
    const pivotScore = scores[pivotIdx]!;
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (before(scores[idx[i]!]!, idx[i]!, pivotScore, pivotIdx)) {
        swap(i, store);
        store++;
      }
    }
    swap(store, hi);
    if (store === k || store === k - 1) return;
    if (store < k) lo = store + 1;
    else hi = store - 1;
  }
}

function selectK(scores: ArrayLike<number>, mask: MaskArray, k: number, active: boolean, before: Before, what: string): Int32Array {
  if (scores.length !== mask.length) {
    throw new RangeError(`${what}: scores has length ${scores.length} but mask has length ${mask.length}`);
  }
  const pool = candidates(mask, active);
  if (!Number.isInteger(k) || k < 0 || k > pool.length) {
    throw new RangeError(`${what}: k must be an integer in [0, ${pool.length}] (${active ? 'active' : 'inactive'} positions), got ${k}`);
  }
  if (k === 0) return new Int32Array(0);
  if (k < pool.length) partialSelect(pool, scores, k, before);
  return pool.slice(0, k).sort();
}

/**
 * Flat indices of the k active positions with the lowest scores (ties: lower index first), ascending.
 * @throws RangeError when k exceeds the number of active positions.
 */
export function selectLowestActive(scores: ArrayLike<number>, mask: MaskArray, k: number): Int32Array {
  return selectK(scores, mask, k, true, lowerFirst, 'selectLowestActive');
}

/**
 * Flat indices of the k inactive positions with the highest scores (ties: lower index first), ascending.
 * @throws RangeError when k exceeds the number of inactive positions.
 */
export function selectHighestInactive(scores: ArrayLike<number>, mask: MaskArray, k: number): Int32Array {
  return selectK(scores, mask, k, false, higherFirst, 'selectHighestInactive');
}

/** Flat indices of the k highest scores over all positions (ties: lower index first), ascending. */
export function selectHighest(scores: ArrayLike<number>, k: number): Int32Array {
  return selectK(scores, new Uint8Array(scores.length), k, false, higherFirst, 'selectHighest');
}

/** Returns a copy of `mask` with the given positions set to 0. */
export function dropPositions(mask: Uint8Array, positions: ArrayLike<number>): Uint8Array {
  const out = mask.slice();
  for (let i = 0; i < positions.length; i++) out[positions[i]!] = 0;
  return out;
}

/** Returns a copy of `mask` with the given positions set to 1. */
export function growPositions(mask: Uint8Array, positions: ArrayLike<number>): Uint8Array {
  const out = mask.slice();
  for (let i = 0; i < positions.length; i++) out[positions[i]!] = 1;
  return out;
}

/** Number of active (nonzero) entries of a mask. */
export function countActive(mask: MaskArray): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/** A mask of length `size` with exactly `active` ones at positions chosen uniformly by `random` (a [0,1) source). */
export function randomMask(size: number, active: number, random: () => number): Uint8Array {
  if (!Number.isInteger(active) || active < 0 || active > size) {
    throw new RangeError(`randomMask: active must be an integer in [0, ${size}], got ${active}`);
  }
  // partial Fisher-Yates over positions
  const positions = new Int32Array(size);
  for (let i = 0; i < size; i++) positions[i] = i;
  const mask = new Uint8Array(size);
  for (let i = 0; i < active; i++) {
    const j = i + Math.floor(random() * (size - i));
    const t = positions[i]!;
    positions[i] = positions[j]!;
    positions[j] = t;
    mask[positions[i]!] = 1;
  }
  return mask;
}
