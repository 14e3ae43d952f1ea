import type { LayerShape } from '@topiary/core';
import { splitBudget } from './budget.js';

/**
 * Solves the scale ε of an Erdős–Rényi-type distribution (RigL, Evci et al. 2020 §3; the public code's
 * get_sparsities_erdos_renyi): find ε with Σ_l ε · raw_l · N_l = budget. While some ε · raw_l > 1, the
 * layer(s) with the largest raw_l become dense, their N_l leaves the budget, and ε is solved again.
 * Returns density_l = ε · raw_l (1 for the layers made dense).
 *
 * The raw densities are raised to `power` (RigL's erk_power_scale) first. `raw` must hold positive numbers;
 * `budget` must lie in [0, Σ sizes].
 */
export function solveScaledDensities(
  raw: readonly number[],
  sizes: readonly number[],
  budget: number,
  power = 1,
): number[] {
  const n = raw.length;
  if (n === 0) return [];
  // Scaling every raw_l by the same factor leaves the densities unchanged (ε absorbs it); dividing by the
  // largest before raising to the power keeps the largest at 1, so large powers cannot underflow every
  // term of the divisor to 0.
  const maxRaw = Math.max(...raw);
  const scaled = raw.map((r) => Math.pow(r / maxRaw, power));
  const dense = new Array<boolean>(n).fill(false);
  for (;;) {
    let remaining = budget;
    let divisor = 0;
    let largest = -Infinity;
    for (let i = 0; i < n; i++) {
      if (dense[i]) {
        remaining -= sizes[i]!;
      } else {
        divisor += scaled[i]! * sizes[i]!;
        largest = Math.max(largest, scaled[i]!);
      }
    }
    if (divisor === 0) return dense.map(() => 1);
    const epsilon = Math.max(0, remaining) / divisor;
    // A relative tolerance keeps round-off (e.g. every layer at density exactly 1 when S = 0) from
    // densifying layers that are at 1 already.
    if (epsilon * largest > 1 + 1e-12) {
      for (let i = 0; i < n; i++) if (!dense[i] && scaled[i] === largest) dense[i] = true;
      continue;
    }
    // Densities within round-off of 1 (e.g. every layer at S = 0) are exactly 1.
    return scaled.map((r, i) => (dense[i] || epsilon * r > 1 - 1e-12 ? 1 : epsilon * r));
  }
}

/** Inputs of {@link scaledDensities}. */
export interface ScaledDensitiesInput {
  /** All masked layers (already checked). */
  readonly layers: readonly LayerShape[];
  /** Overall sparsity S over all the layers (already checked). */
  readonly sparsity: number;
  /** Unnormalised density of each layer, a positive number. */
  readonly raw: (layer: LayerShape) => number;
  /** Exponent applied to the raw densities. @default 1 */
  readonly power?: number;
  /** Indices of layers held dense; their weights count against the budget. */
  readonly dense: ReadonlySet<number>;
  /** The option that named the dense layers, for error messages. */
  readonly field: string;
}

/**
 * Densities of an Erdős–Rényi-type distribution over all layers: the layers held dense take their size out
 * of the budget (1 − S) · Σ size, and {@link solveScaledDensities} spreads the rest over the others.
 */
export function scaledDensities(input: ScaledDensitiesInput): number[] {
  const { layers, sparsity, raw, power = 1, dense, field } = input;
  const { free, budget } = splitBudget({ layers, sparsity, dense, field });
  const solved = solveScaledDensities(
    free.map((i) => raw(layers[i]!)),
    free.map((i) => layers[i]!.size),
    budget,
    power,
  );
  const densities = layers.map(() => 1);
  free.forEach((layerIndex, k) => {
    densities[layerIndex] = solved[k]!;
  });
  return densities;
}
