import { dropPositions, selectLowestActive } from '@topiary/core';

/** Whether one pruning round ranks each layer on its own (`layer`) or all masked layers together (`global`). */
export type LotteryScope = 'layer' | 'global';

/**
 * Weights to prune from a group of `active` weights in one round: round(p · active) (Frankle & Carbin 2019, §2:
 * each round prunes p of the weights that survived the previous one), never below `floor` (the target's budget)
 * and, while above it, at least one, so rounds toward a target always end. Without a floor, round(p · active).
 */
export function lotteryPruneCount(active: number, fraction: number, floor?: number): number {
  const count = Math.round(fraction * active);
  if (floor === undefined) return count;
  if (active <= floor) return 0;
  return Math.min(active - floor, Math.max(1, count));
}

/**
 * Masks after one round of magnitude pruning: drops the `counts[l]` active weights of lowest |w| in each layer
 * (`layer` scope), or the `counts[0]` lowest |w| over all layers together (`global`); ties go to the earlier layer,
 * then the lower flat index, as in the engine's selection. Returns new masks; the inputs are not changed.
 */
export function pruneByMagnitude(masks: readonly Uint8Array[], weights: readonly ArrayLike<number>[], counts: readonly number[], scope: LotteryScope): Uint8Array[] {
  const magnitudes = weights.map((w) => Float32Array.from(w, Math.abs));
  if (scope === 'layer') return masks.map((mask, l) => dropPositions(mask, selectLowestActive(magnitudes[l]!, mask, counts[l]!)));
  const offsets: number[] = [];
  let size = 0;
  for (const mask of masks) {
    offsets.push(size);
    size += mask.length;
  }
  const allScores = new Float32Array(size);
  const allMask = new Uint8Array(size);
  masks.forEach((mask, l) => {
    allScores.set(magnitudes[l]!, offsets[l]!);
    allMask.set(mask, offsets[l]!);
  });
  const positions = selectLowestActive(allScores, allMask, counts[0]!);
  const next = masks.map((mask) => mask.slice());
  let layer = 0;
  for (const flat of positions) {
    while (layer + 1 < masks.length && flat >= offsets[layer + 1]!) layer++;
    next[layer]![flat - offsets[layer]!] = 0;
  }
  return next;
}
