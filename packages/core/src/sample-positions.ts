import type { Rng } from './rng.js';

/** The sorted distinct values of `sorted` (ascending, may repeat) merged with those of `more` (any order), ascending. */
function mergeDistinct(sorted: Float64Array, more: Float64Array): Float64Array<ArrayBuffer> {
  more.sort();
  const out = new Float64Array(sorted.length + more.length);
  let a = 0;
  let b = 0;
  let n = 0;
  while (a < sorted.length || b < more.length) {
    const va = a < sorted.length ? sorted[a]! : Infinity;
    const vb = b < more.length ? more[b]! : Infinity;
    const v = va <= vb ? va : vb;
    if (va === v) a++;
    if (vb === v) b++;
    if (n === 0 || out[n - 1] !== v) out[n++] = v;
  }
  return out.subarray(0, n);
}

/**
 * `count` distinct positions drawn uniformly from [0, size), ascending, in expected O(count · log count) time and
 * O(count) memory (no array of `size`): `count` uniform draws from `rng`, sorted and deduplicated, then as many draws
 * again as were repeats, until `count` distinct remain (the result is a uniformly random `count`-subset). When
 * `count` exceeds half of `size` the complement is drawn instead, so the rounds stay few. Positions are exact
 * integers up to 2⁵³ (Float64Array), so layers of more than 2³¹ weights work. The masked and the sparse engine draw
 * the same positions from the same generator state (GSE's candidate subset). With `accept`, only positions it
 * accepts are drawn (rejected draws are drawn again; no complement): the caller makes sure that at least 2 · count
 * positions are acceptable, so that the expected draws stay below 2 per position (SET's growth among the inactive).
 */
export function sampleDistinctPositions(size: number, count: number, rng: Rng, accept?: (position: number) => boolean): Float64Array {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`sampleDistinctPositions: size must be a safe integer ≥ 0, got ${size}`);
  if (!Number.isInteger(count) || count < 0 || count > size) throw new RangeError(`sampleDistinctPositions: count must be an integer in [0, ${size}], got ${count}`);
  const complement = accept === undefined && count > size / 2;
  const draws = complement ? size - count : count;
  let chosen: Float64Array<ArrayBuffer> = new Float64Array(0);
  while (chosen.length < draws) {
    const more = new Float64Array(draws - chosen.length);
    for (let i = 0; i < more.length; i++) {
      let p = rng.int(size);
      if (accept) while (!accept(p)) p = rng.int(size);
      more[i] = p;
    }
    chosen = mergeDistinct(chosen, more);
  }
  if (!complement) return chosen.slice();
  const out = new Float64Array(count);
  let j = 0;
  let c = 0;
  for (let p = 0; p < size; p++) {
    if (c < chosen.length && chosen[c] === p) c++;
    else out[j++] = p;
  }
  return out;
}
