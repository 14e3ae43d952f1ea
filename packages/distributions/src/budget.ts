import { check } from '@topiary/core';
import type { LayerShape } from '@topiary/core';

/** How the nonzero budget splits between layers held dense and layers a distribution may thin out. */
export interface BudgetSplit {
  /** Indices of the layers the distribution sets (neither held dense nor outside the accounting). */
  readonly free: readonly number[];
  /** Nonzeros left for the free layers; never more than their total size. */
  readonly budget: number;
}

/** Inputs of {@link splitBudget}. */
export interface BudgetSplitInput {
  /** All masked layers. */
  readonly layers: readonly LayerShape[];
  /** Overall sparsity S over the accounted layers. */
  readonly sparsity: number;
  /** Indices of layers held dense whose weights count as nonzeros of the budget. */
  readonly dense: ReadonlySet<number>;
  /** Indices of layers left out of the accounting altogether (held dense, S ignores them). */
  readonly outside?: ReadonlySet<number>;
  /** The option that named the dense layers, for error messages. */
  readonly field: string;
}

/**
 * Splits the budget (1 − S) · Σ size over the accounted layers: layers held dense take their whole size
 * out of it, the rest goes to the free layers. Throws when the dense layers alone exceed the budget.
 */
export function splitBudget(input: BudgetSplitInput): BudgetSplit {
  const { layers, sparsity, dense, outside = new Set<number>(), field } = input;
  let accounted = 0;
  let denseWeights = 0;
  const free: number[] = [];
  layers.forEach((layer, i) => {
    if (outside.has(i)) return;
    accounted += layer.size;
    if (dense.has(i)) denseWeights += layer.size;
    else free.push(i);
  });
  const target = (1 - sparsity) * accounted;
  const budget = target - denseWeights;
  const denseNames = layers.filter((_, i) => dense.has(i) && !outside.has(i)).map((l) => l.layerName);
  check(
    budget >= -1e-9 * accounted,
    field,
    denseNames,
    `layers holding at most (1 − sparsity) · Σ size = ${Math.round(target)} weights at sparsity ${sparsity}, ` +
      `but they hold ${denseWeights}`,
  );
  return { free, budget: Math.max(0, budget) };
}
