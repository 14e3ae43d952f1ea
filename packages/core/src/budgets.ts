import type { LayerShape } from './types.js';

/**
 * Active-weight budget of a layer of `size` weights at `density`: round(density · size), clamped to [0, size].
 * The one place this rounding is written; callers check `density` (and name it in their own errors) first.
 */
export function densityBudget(density: number, size: number): number {
  return Math.min(size, Math.max(0, Math.round(density * size)));
}

/** Integer budgets round(density · size), clamped to [0, size], one per layer. */
export function budgetsFromDensities(kernels: readonly { readonly shape: LayerShape }[], densities: readonly number[]): number[] {
  if (densities.length !== kernels.length) {
    throw new Error(`distribution returned ${densities.length} densities for ${kernels.length} masked layers`);
  }
  return kernels.map((k, i) => {
    const d = densities[i]!;
    if (!Number.isFinite(d) || d < 0 || d > 1) {
      throw new RangeError(`distribution density of layer ${k.shape.layerName} must be in [0, 1], got ${d}`);
    }
    return densityBudget(d, k.shape.size);
  });
}
