import { check, densityBudget } from '@topiary/core';
import type { LayerShape } from '@topiary/core';
import { checkLayers } from './layers.js';

/**
 * Turns per-layer densities into integer active-weight counts: round(density_l · size_l), clamped to
 * [0, size_l] (core's `densityBudget`, the rounding the engine uses). The total differs from
 * Σ density_l · size_l by at most half a weight per layer.
 */
export function densitiesToCounts(layers: readonly LayerShape[], densities: readonly number[]): number[] {
  checkLayers(layers);
  check(
    Array.isArray(densities) && densities.length === layers.length,
    'densities',
    Array.isArray(densities) ? densities.length : densities,
    `a list of ${layers.length} densities, one per layer`,
  );
  return layers.map((layer, i) => {
    const density = densities[i]!;
    check(Number.isFinite(density) && density >= 0 && density <= 1, `densities[${i}]`, density, 'a number in [0, 1]');
    return densityBudget(density, layer.size);
  });
}

/** Overall sparsity of the masked layers given their active counts: S = 1 − Σ counts_l / Σ size_l. */
export function overallSparsity(layers: readonly LayerShape[], counts: readonly number[]): number {
  checkLayers(layers);
  check(
    Array.isArray(counts) && counts.length === layers.length,
    'counts',
    Array.isArray(counts) ? counts.length : counts,
    `a list of ${layers.length} active counts, one per layer`,
  );
  let active = 0;
  let total = 0;
  layers.forEach((layer, i) => {
    const count = counts[i]!;
    check(
      Number.isInteger(count) && count >= 0 && count <= layer.size,
      `counts[${i}]`,
      count,
      `an integer in [0, ${layer.size}] (the layer's size)`,
    );
    active += count;
    total += layer.size;
  });
  return 1 - active / total;
}
