import type { Rng } from './rng.js';

/**
 * `count` distinct positions drawn uniformly from [0, size), ascending, in expected O(count) time and memory (no
 * array of `size`): uniform draws from `rng`, repeated ones drawn again (rejection). When `count` exceeds half
 * of `size` the complement is drawn instead, so the expected number of draws stays below 2 · min(count, size −
 * count). Positions are exact integers up to 2⁵³ (Float64Array), so layers of more than 2³¹ weights work. The
 * masked and the sparse engine draw the same positions from the same generator state (GSE's candidate subset).
 */
export function sampleDistinctPositions(size: number, count: number, rng: Rng): Float64Array {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`sampleDistinctPositions: size must be a safe integer ≥ 0, got ${size}`);
  if (!Number.isInteger(count) || count < 0 || count > size) throw new RangeError(`sampleDistinctPositions: count must be an integer in [0, ${size}], got ${count}`);
  const complement = count > size / 2;
  const draws = complement ? size - count : count;
  const drawn = new Set<number>();
  while (drawn.size < draws) drawn.add(rng.int(size));
  const chosen = Float64Array.from(drawn).sort();
  if (!complement) return chosen;
  const out = new Float64Array(count);
  let j = 0;
  let c = 0;
  for (let p = 0; p < size; p++) {
    if (c < chosen.length && chosen[c] === p) c++;
    else out[j++] = p;
  }
  return out;
}
