import * as tf from '@tensorflow/tfjs-core';
import type { PrunableKernel } from './layers.js';
import { budgetsFromDensities } from './budgets.js';
import { hostMaskSelection } from './mask-selection-host.js';
import type { LayerChange, LayerSelectionRequest, MaskSelection } from './mask-selection.js';
import type { MaskState } from './mask-state.js';
import type { Rng } from './rng.js';
import type { DropCriterion, Distribution, GrowCriterion, MaskUpdatePolicy, ScoreContext } from './types.js';

export type { LayerChange } from './mask-selection.js';

/** Inputs of {@link planUpdate}. */
export interface UpdateInputs {
  /** The step at which the update happens. */
  readonly step: number;
  /** The strategy's update policy. */
  readonly update: MaskUpdatePolicy;
  /** The strategy's distribution (pruning targets are distributed with it). */
  readonly distribution: Distribution;
  /** Masked kernels in order. */
  readonly kernels: readonly PrunableKernel[];
  /** Current masks. */
  readonly state: MaskState;
  /** Dense gradients per masked layer (present when a criterion needs them). */
  readonly gradients: readonly tf.Tensor[];
  /** Dense-gradient momentum per masked layer (present when a criterion needs it). */
  readonly momentum: readonly tf.Tensor[] | undefined;
  /** The engine's generator. */
  readonly rng: Rng;
}

/** A computed update, or the reason it must be skipped. */
export type UpdatePlan =
  | { readonly ok: true; readonly layers: readonly LayerChange[]; readonly changedAny: boolean; readonly growInit: MaskUpdatePolicy['growInit']; readonly rng: Rng }
  | { readonly ok: false; readonly reason: string };

/** What a criterion sees for masked layer i at this update. */
export function scoreContext(inputs: UpdateInputs, i: number): ScoreContext {
  const { step, kernels, state, gradients, momentum, rng } = inputs;
  const k = kernels[i]!;
  return {
    layer: k.shape,
    weight: k.variable,
    mask: state.maskTensor(i),
    step,
    rng,
    ...(gradients[i] ? { gradient: gradients[i] } : {}),
    ...(momentum?.[i] ? { momentum: momentum[i] } : {}),
  };
}

/** Number of weights to drop per layer: down to the pruning target, or the drop fraction of the active ones. */
export function dropCounts(inputs: UpdateInputs): number[] | { readonly reason: string } {
  const { step, update, kernels, state } = inputs;
  if (update.targetSparsity) {
    const target = update.targetSparsity.valueAt(step);
    if (!Number.isFinite(target) || target < 0 || target >= 1) {
      return { reason: `target sparsity ${target} at this step is outside [0, 1)` };
    }
    const budgets = budgetsFromDensities(
      kernels,
      inputs.distribution.densities(
        kernels.map((k) => k.shape),
        target,
      ),
    );
    return kernels.map((_, i) => Math.max(0, state.active(i) - budgets[i]!));
  }
  const fraction = update.dropFraction ? update.dropFraction.valueAt(step) : 0;
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    return { reason: `drop fraction ${fraction} at this step is outside [0, 1]` };
  }
  return kernels.map((_, i) => Math.round(fraction * state.active(i)));
}

/**
 * Grow counts per layer from the strategy's redistribution rule, checked: integers within each layer's free
 * capacity after the drop, summing to the total dropped.
 */
function allocateGrowth(inputs: UpdateInputs, drops: readonly number[], meanMomentum: readonly number[]): number[] {
  const { update, kernels, state } = inputs;
  const redistribution = update.redistribution!;
  const total = drops.reduce((a, b) => a + b, 0);
  const layers = kernels.map((k, i) => ({ layer: k.shape, active: state.active(i) - drops[i]!, meanMomentum: meanMomentum[i]! }));
  const counts = redistribution.allocate(layers, total);
  const sum = counts.reduce((a, b) => a + b, 0);
  if (counts.length !== kernels.length || sum !== total || counts.some((g, i) => !Number.isInteger(g) || g < 0 || g > kernels[i]!.shape.size - layers[i]!.active)) {
    throw new Error(`redistribution '${redistribution.kind}' returned ${JSON.stringify(counts)}: counts must be integers within each layer's free capacity summing to ${total}`);
  }
  return counts;
}

/**
 * Grow counts per layer: none without a grow criterion, the drop counts without a redistribution, else the
 * redistribution's allocation by each layer's mean |momentum| over its active weights (one read for all layers).
 */
export async function growCountsPerLayer(inputs: UpdateInputs, drops: readonly number[]): Promise<number[] | { readonly reason: string }> {
  const { update, kernels, state, momentum } = inputs;
  if (!update.grow) return kernels.map(() => 0);
  if (!update.redistribution) return [...drops];
  if (!momentum || kernels.some((_, i) => !momentum[i])) {
    return { reason: `redistribution '${update.redistribution.kind}' needs the dense-gradient momentum, which is missing` };
  }
  const sums = tf.tidy(() => tf.stack(kernels.map((_, i) => tf.sum(tf.mul(tf.abs(momentum[i]!), state.maskTensor(i))))));
  const values = await sums.data();
  sums.dispose();
  const meanMomentum = kernels.map((_, i) => (state.active(i) > 0 ? values[i]! / state.active(i) : 0));
  if (!meanMomentum.every(Number.isFinite)) return { reason: 'mean momentum of some layer is not finite' };
  return allocateGrowth(inputs, drops, meanMomentum);
}

/** What the planner asks of the selection for layer i at one stage. */
function layerRequest(inputs: UpdateInputs, i: number, stage: 'drop' | 'grow', criterion: DropCriterion | GrowCriterion, count: number): LayerSelectionRequest {
  const layer = inputs.kernels[i]!.shape;
  return { index: i, layer, stage, count, criterion, context: () => scoreContext(inputs, i), description: `'${criterion.kind}' ${stage} scores of layer ${layer.layerName}` };
}

/** Whether two masks of one layer differ anywhere. */
function differs(before: Uint8Array, after: Uint8Array): boolean {
  for (let j = 0; j < after.length; j++) if (after[j] !== before[j]) return true;
  return false;
}

/**
 * Computes one mask update without changing anything: per layer, how many weights to drop (drop-fraction
 * schedule, or down to the pruning target), which (lowest drop scores among active), how many to grow
 * (the same number, or as redistributed) and which (highest grow scores among the positions inactive after
 * the drop, so a dropped weight may be regrown and then keeps its value, as in RigL's code). `selection`
 * turns scores into masks ({@link MaskSelection}: host selection by default, device selection, or any other):
 * it is handed the layers in order, every drop before any grow, and the first skip it reports ends the update.
 */
export async function planUpdate(inputs: UpdateInputs, selection: MaskSelection = hostMaskSelection): Promise<UpdatePlan> {
  const { update, kernels, state, rng } = inputs;

  const drops = dropCounts(inputs);
  if (!Array.isArray(drops)) return { ok: false, reason: drops.reason };

  const round = selection.begin(state);
  try {
    // each layer's working mask after the latest stage that changed it; undefined while unchanged
    const masks: unknown[] = kernels.map(() => undefined);

    // drop
    for (let i = 0; i < kernels.length; i++) {
      if (drops[i] === 0) continue;
      const dropped = await round.drop(layerRequest(inputs, i, 'drop', update.drop, drops[i]!));
      if (!dropped.ok) return { ok: false, reason: dropped.reason };
      masks[i] = dropped.mask;
    }

    // how many to grow per layer
    const growCounts = await growCountsPerLayer(inputs, drops);
    if (!Array.isArray(growCounts)) return { ok: false, reason: growCounts.reason };

    // grow
    if (update.grow) {
      for (let i = 0; i < kernels.length; i++) {
        if (growCounts[i] === 0) continue;
        const grown = await round.grow(layerRequest(inputs, i, 'grow', update.grow, growCounts[i]!), masks[i]);
        if (!grown.ok) return { ok: false, reason: grown.reason };
        masks[i] = grown.mask;
      }
    }

    const reason = await round.check();
    if (reason !== undefined) return { ok: false, reason };
    const layers = await round.finish(masks);
    const changedAny = layers.some((change, i) => differs(state.mask(i), change.mask));
    return { ok: true, layers, changedAny, growInit: update.growInit, rng };
  } finally {
    round.release();
  }
}

/** Releases the device masks a plan holds (after it was applied, or when it is dropped). */
export function releaseUpdatePlan(plan: UpdatePlan): void {
  if (plan.ok) for (const layer of plan.layers) layer.deviceMask?.dispose();
}

/**
 * Applies a planned update: new connections take their initial values, masks change on host and device,
 * weights are re-masked. Returns, per layer, a float32 0/1 tensor of the positions whose state changed
 * (for resetting optimizer slots); the caller disposes them.
 */
export function applyUpdatePlan(plan: Extract<UpdatePlan, { ok: true }>, state: MaskState, kernels: readonly PrunableKernel[]): tf.Tensor[] {
  const changed: tf.Tensor[] = [];
  plan.layers.forEach((change, i) => {
    const kernel = kernels[i]!;
    const before = state.mask(i);
    const diff = new Float32Array(before.length);
    for (let j = 0; j < before.length; j++) diff[j] = before[j] !== change.mask[j] ? 1 : 0;
    if (change.newConnections.length > 0 && plan.growInit && plan.growInit.kind !== 'zeros') {
      const fresh = new Float32Array(before.length);
      for (const p of change.newConnections) fresh[p] = 1;
      tf.tidy(() => {
        const values = plan.growInit!.values({ layer: kernel.shape, rng: plan.rng });
        const isNew = tf.tensor(fresh, [...kernel.shape.shape]);
        kernel.variable.assign(tf.where(tf.greater(isNew, 0), tf.reshape(values, kernel.variable.shape), kernel.variable));
      });
    }
    state.setMask(i, change.mask, change.deviceMask);
    changed.push(tf.tensor(diff, [...kernel.shape.shape]));
  });
  state.applyToWeights();
  return changed;
}
