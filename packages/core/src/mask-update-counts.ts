import * as tf from '@tensorflow/tfjs-core';
import { budgetsFromDensities } from './budgets.js';
import type { UpdateInputs } from './mask-update-inputs.js';
import type { LayerShape, MaskUpdatePolicy } from './types.js';

/**
 * What the layer-scope and global counts read: the step, the policy, the distribution, each layer's shape and
 * its active count. The planner's `UpdateInputs` is one; an engine that does not keep masks (the sparse engine) passes its own.
 */
export interface CountInputs {
  /** The step at which the update happens. */
  readonly step: number;
  /** The strategy's update policy. */
  readonly update: MaskUpdatePolicy;
  /** The strategy's distribution (pruning targets are distributed with it). */
  readonly distribution: UpdateInputs['distribution'];
  /** The masked layers in order. */
  readonly kernels: readonly { readonly shape: LayerShape }[];
  /** Active weights of layer i. */
  readonly state: { active(i: number): number };
}

/** Per-layer counts of one update under layer scope, before any redistribution. */
export interface UpdateCounts {
  /** Weights each layer drops (pruned, then replaced). */
  readonly drop: readonly number[];
  /** Weights each layer regrows when the policy has a grow criterion and no redistribution (the replaced ones, plus the growth up to its budget when below it). */
  readonly regrow: readonly number[];
}

/** The pruning target (when the policy has one) and the drop fraction at this step, checked. */
function ratesAt(inputs: CountInputs): { readonly target: number | undefined; readonly fraction: number } | { readonly reason: string } {
  const { step, update } = inputs;
  let target: number | undefined;
  if (update.targetSparsity) {
    target = update.targetSparsity.valueAt(step);
    if (!Number.isFinite(target) || target < 0 || target >= 1) {
      return { reason: `target sparsity ${target} at this step is outside [0, 1)` };
    }
  }
  let fraction = 0;
  if (update.dropFraction || !update.targetSparsity) {
    fraction = update.dropFraction ? update.dropFraction.valueAt(step) : 0;
    if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
      return { reason: `drop fraction ${fraction} at this step is outside [0, 1]` };
    }
  }
  return { target, fraction };
}

/** Each layer's budget at the pruning target (the distribution's densities at `target`). */
function targetBudgets(inputs: CountInputs, target: number): number[] {
  const { kernels } = inputs;
  return budgetsFromDensities(
    kernels,
    inputs.distribution.densities(
      kernels.map((k) => k.shape),
      target,
    ),
  );
}

/**
 * The counts of one group of weights (a layer, or all masked layers under global scope) with `active` active
 * weights and pruning budget `budget`: prune p = max(0, active − budget), then replace r = round(f · (active − p))
 * (only with a drop fraction); drop p + r; regrow r, or, under a target without a drop fraction, p. With a target
 * and a grow criterion, a group below its budget also grows e = max(0, budget − active) on top, so that density
 * follows a target that falls (cyclic schedules) as well as one that rises (see {@link MaskUpdatePolicy}).
 */
function groupCounts(update: MaskUpdatePolicy, active: number, budget: number | undefined, fraction: number): { readonly drop: number; readonly regrow: number } {
  const prune = budget === undefined ? 0 : Math.max(0, active - budget);
  const extra = budget === undefined || !update.grow ? 0 : Math.max(0, budget - active);
  if (!update.dropFraction) return { drop: prune, regrow: prune + extra };
  const replace = Math.round(fraction * (active - prune));
  return { drop: prune + replace, regrow: replace + extra };
}

/** Per-layer drop and regrow counts under layer scope: pruning to the target's share, then the drop fraction of the rest. */
export function updateCounts(inputs: CountInputs): UpdateCounts | { readonly reason: string } {
  const { update, kernels, state } = inputs;
  const rates = ratesAt(inputs);
  if ('reason' in rates) return rates;
  const budgets = rates.target === undefined ? undefined : targetBudgets(inputs, rates.target);
  const counts = kernels.map((_, i) => groupCounts(update, state.active(i), budgets?.[i], rates.fraction));
  return { drop: counts.map((c) => c.drop), regrow: counts.map((c) => c.regrow) };
}

/** Number of weights to drop per layer under layer scope: down to the pruning target, then the drop fraction of the active ones. */
export function dropCounts(inputs: CountInputs): number[] | { readonly reason: string } {
  const counts = updateCounts(inputs);
  return 'reason' in counts ? counts : [...counts.drop];
}

/**
 * Total drop and regrow counts under global scope: the counts of {@link MaskUpdatePolicy} over all masked layers
 * together (Σ active, and the overall budget Σ b_l of the distribution at the target, as a global scored init).
 */
export function globalUpdateTotals(inputs: CountInputs): { readonly drop: number; readonly regrow: number } | { readonly reason: string } {
  const { update, kernels, state } = inputs;
  const rates = ratesAt(inputs);
  if ('reason' in rates) return rates;
  const active = kernels.reduce((sum, _, i) => sum + state.active(i), 0);
  const budget = rates.target === undefined ? undefined : targetBudgets(inputs, rates.target).reduce((a, b) => a + b, 0);
  return groupCounts(update, active, budget, rates.fraction);
}

/**
 * Grow counts per layer from the strategy's redistribution rule, checked: integers within each layer's free
 * capacity after the drop, summing to the total regrown.
 */
function allocateGrowth(inputs: UpdateInputs, drops: readonly number[], regrow: readonly number[], meanMomentum: readonly number[]): number[] {
  const { update, kernels, state } = inputs;
  const redistribution = update.redistribution!;
  const total = regrow.reduce((a, b) => a + b, 0);
  const layers = kernels.map((k, i) => ({ layer: k.shape, active: state.active(i) - drops[i]!, meanMomentum: meanMomentum[i]! }));
  const counts = redistribution.allocate(layers, total);
  const sum = counts.reduce((a, b) => a + b, 0);
  if (counts.length !== kernels.length || sum !== total || counts.some((g, i) => !Number.isInteger(g) || g < 0 || g > kernels[i]!.shape.size - layers[i]!.active)) {
    throw new Error(`redistribution '${redistribution.kind}' returned ${JSON.stringify(counts)}: counts must be integers within each layer's free capacity summing to ${total}`);
  }
  return counts;
}

/**
 * Grow counts per layer under layer scope: none without a grow criterion, the regrow counts without a
 * redistribution, else the redistribution's allocation of their total by each layer's mean |momentum| over its
 * active weights (one read for all layers).
 */
export async function growCountsPerLayer(inputs: UpdateInputs, drops: readonly number[], regrow: readonly number[] = drops): Promise<number[] | { readonly reason: string }> {
  const { update, kernels, state, momentum } = inputs;
  if (!update.grow) return kernels.map(() => 0);
  if (!update.redistribution) return [...regrow];
  if (!momentum || kernels.some((_, i) => !momentum[i])) {
    return { reason: `redistribution '${update.redistribution.kind}' needs the dense-gradient momentum, which is missing` };
  }
  const sums = tf.tidy(() => tf.stack(kernels.map((_, i) => tf.sum(tf.mul(tf.abs(momentum[i]!), state.maskTensor(i))))));
  const values = await sums.data();
  sums.dispose();
  const meanMomentum = kernels.map((_, i) => (state.active(i) > 0 ? values[i]! / state.active(i) : 0));
  if (!meanMomentum.every(Number.isFinite)) return { reason: 'mean momentum of some layer is not finite' };
  return allocateGrowth(inputs, drops, regrow, meanMomentum);
}
