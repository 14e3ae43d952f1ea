import * as tf from '@tensorflow/tfjs-core';
import type { PrunableKernel } from './layers.js';
import { budgetsFromDensities } from './budgets.js';
import { hostMaskSelection } from './mask-selection-host.js';
import type { LayerChange, LayerSelectionRequest, MaskSelection } from './mask-selection.js';
import type { MaskState } from './mask-state.js';
import { dropPositions, selectHighestInactive, selectLowestActive } from './selection.js';
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

/** Per-layer counts of one update under layer scope, before any redistribution. */
export interface UpdateCounts {
  /** Weights each layer drops (pruned, then replaced). */
  readonly drop: readonly number[];
  /** Weights each layer regrows when the policy has a grow criterion and no redistribution. */
  readonly regrow: readonly number[];
}

/** The pruning target (when the policy has one) and the drop fraction at this step, checked. */
function ratesAt(inputs: UpdateInputs): { readonly target: number | undefined; readonly fraction: number } | { readonly reason: string } {
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
function targetBudgets(inputs: UpdateInputs, target: number): number[] {
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
 * (only with a drop fraction); drop p + r; regrow r, or, under a target without a drop fraction, p (see
 * {@link MaskUpdatePolicy}).
 */
function groupCounts(update: MaskUpdatePolicy, active: number, budget: number | undefined, fraction: number): { readonly drop: number; readonly regrow: number } {
  const prune = budget === undefined ? 0 : Math.max(0, active - budget);
  if (!update.dropFraction) return { drop: prune, regrow: prune };
  const replace = Math.round(fraction * (active - prune));
  return { drop: prune + replace, regrow: replace };
}

/** Per-layer drop and regrow counts under layer scope: pruning to the target's share, then the drop fraction of the rest. */
export function updateCounts(inputs: UpdateInputs): UpdateCounts | { readonly reason: string } {
  const { update, kernels, state } = inputs;
  const rates = ratesAt(inputs);
  if ('reason' in rates) return rates;
  const budgets = rates.target === undefined ? undefined : targetBudgets(inputs, rates.target);
  const counts = kernels.map((_, i) => groupCounts(update, state.active(i), budgets?.[i], rates.fraction));
  return { drop: counts.map((c) => c.drop), regrow: counts.map((c) => c.regrow) };
}

/** Number of weights to drop per layer under layer scope: down to the pruning target, then the drop fraction of the active ones. */
export function dropCounts(inputs: UpdateInputs): number[] | { readonly reason: string } {
  const counts = updateCounts(inputs);
  return 'reason' in counts ? counts : [...counts.drop];
}

/**
 * Total drop and regrow counts under global scope: the counts of {@link MaskUpdatePolicy} over all masked layers
 * together (Σ active, and the overall budget Σ b_l of the distribution at the target, as a global scored init).
 */
export function globalUpdateTotals(inputs: UpdateInputs): { readonly drop: number; readonly regrow: number } | { readonly reason: string } {
  const { update, kernels, state } = inputs;
  const rates = ratesAt(inputs);
  if ('reason' in rates) return rates;
  const active = kernels.reduce((sum, _, i) => sum + state.active(i), 0);
  const budget = rates.target === undefined ? undefined : targetBudgets(inputs, rates.target).reduce((a, b) => a + b, 0);
  return groupCounts(update, active, budget, rates.fraction);
}

/**
 * One ranking across layers: of the positions active (`drop`) or inactive (`grow`) in `masks`, the `k` with the
 * lowest (`drop`) or highest (`grow`) scores over all layers concatenated in order, so ties go to the earlier layer,
 * then to the lower flat index. Returns, per layer, how many were selected and their flat positions (ascending).
 * Selecting each layer's own count with the per-layer rule picks the same positions.
 */
export function rankGlobally(scores: readonly ArrayLike<number>[], masks: readonly Uint8Array[], k: number, stage: 'drop' | 'grow'): { readonly counts: number[]; readonly positions: Int32Array[] } {
  if (scores.length !== masks.length) throw new RangeError(`rankGlobally: ${scores.length} score arrays for ${masks.length} masks`);
  const offsets: number[] = [];
  let size = 0;
  masks.forEach((m, i) => {
    if (scores[i]!.length !== m.length) throw new RangeError(`rankGlobally: layer ${i} has ${scores[i]!.length} scores for ${m.length} mask positions`);
    offsets.push(size);
    size += m.length;
  });
  const allScores = new Float64Array(size);
  const allMask = new Uint8Array(size);
  masks.forEach((m, i) => {
    allMask.set(m, offsets[i]!);
    const s = scores[i]!;
    for (let j = 0; j < s.length; j++) allScores[offsets[i]! + j] = s[j]!;
  });
  const selected = stage === 'drop' ? selectLowestActive(allScores, allMask, k) : selectHighestInactive(allScores, allMask, k);
  const counts = masks.map(() => 0);
  let layer = 0;
  for (const flat of selected) {
    while (layer + 1 < masks.length && flat >= offsets[layer + 1]!) layer++;
    counts[layer]!++;
  }
  const positions: Int32Array[] = [];
  let from = 0;
  counts.forEach((c, i) => {
    positions.push(selected.slice(from, from + c).map((flat) => flat - offsets[i]!));
    from += c;
  });
  return { counts, positions };
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

/**
 * Every layer's scores of one stage for a global ranking, computed once and read to the host in one read: the
 * tensors (kept in `held`, so that the selection is handed the same scores) and their values, or the reason
 * naming the first layer whose scores are not finite.
 */
async function scoresForRanking(inputs: UpdateInputs, stage: 'drop' | 'grow', criterion: DropCriterion | GrowCriterion, held: tf.Tensor[]): Promise<{ readonly tensors: tf.Tensor[]; readonly values: Float32Array[] } | { readonly reason: string }> {
  const { kernels } = inputs;
  const tensors = kernels.map((k, i) => {
    const t = tf.tidy(() => criterion.score(scoreContext(inputs, i)));
    held.push(t);
    if (t.size !== k.shape.size) {
      throw new RangeError(`'${criterion.kind}' ${stage} scores of layer ${k.shape.layerName} have shape [${t.shape.join(', ')}] (${t.size} values) but the kernel has ${k.shape.size} weights`);
    }
    return t;
  });
  const flat = tf.tidy(() => tf.concat(tensors.map((t) => tf.cast(tf.reshape(t, [t.size]), 'float32'))));
  const all = (await flat.data()) as Float32Array;
  flat.dispose();
  const values: Float32Array[] = [];
  let offset = 0;
  for (const [i, k] of kernels.entries()) {
    const v = all.subarray(offset, offset + k.shape.size);
    offset += k.shape.size;
    for (let j = 0; j < v.length; j++) {
      if (!Number.isFinite(v[j]!)) return { reason: `'${criterion.kind}' ${stage} scores of layer ${kernels[i]!.shape.layerName} are not finite (value ${v[j]} at ${j})` };
    }
    values.push(v);
  }
  return { tensors, values };
}

/** A criterion that hands the selection scores already computed (the planner keeps and disposes `scores`). */
function givenScores(criterion: DropCriterion | GrowCriterion, scores: tf.Tensor): DropCriterion & GrowCriterion {
  return { kind: criterion.kind, score: () => tf.clone(scores) };
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
 * Computes one mask update without changing anything: per layer, how many weights to drop (down to the pruning
 * target, then the drop fraction of the rest: {@link MaskUpdatePolicy}), which (lowest drop scores among active),
 * how many to grow (as many as replaced, or as redistributed) and which (highest grow scores among the positions
 * inactive after the drop, so a dropped weight may be regrown and then keeps its value, as in RigL's code).
 * `selection` turns scores into masks ({@link MaskSelection}: host selection by default, device selection, or any
 * other): it is handed the layers in order, every drop before any grow, and the first skip it reports ends the
 * update.
 *
 * Under `scope: 'global'` the planner first turns one ranking across layers into per-layer counts
 * ({@link rankGlobally} over every layer's scores, read to the host in one read per stage, on the device selection
 * too; a non-finite score skips the update there), then hands the selection those counts and the same score
 * tensors, so that each layer's selection picks the positions of the global ranking (with the device selection's
 * `topk` fallback, tied scores may pick other positions, never other counts).
 */
export async function planUpdate(inputs: UpdateInputs, selection: MaskSelection = hostMaskSelection): Promise<UpdatePlan> {
  const { update, kernels, state, rng } = inputs;
  const global = update.scope === 'global';
  if (global && update.redistribution) {
    throw new Error(`strategy.update: scope 'global' and redistribution '${update.redistribution.kind}' both decide per-layer counts; use one of them`);
  }

  const counts = global ? undefined : updateCounts(inputs);
  if (counts && 'reason' in counts) return { ok: false, reason: counts.reason };
  const totals = global ? globalUpdateTotals(inputs) : undefined;
  if (totals && 'reason' in totals) return { ok: false, reason: totals.reason };

  const round = selection.begin(state);
  // score tensors of a global ranking, handed to the selection and disposed at the end
  const held: tf.Tensor[] = [];
  try {
    // each layer's working mask after the latest stage that changed it; undefined while unchanged
    const masks: unknown[] = kernels.map(() => undefined);

    // drop
    let drops = counts ? [...counts.drop] : kernels.map(() => 0);
    let dropCriteria: (DropCriterion | GrowCriterion)[] = kernels.map(() => update.drop);
    // the masks after the drop, on the host, for a global ranking of the growth
    let afterDrop = kernels.map((_, i) => state.mask(i));
    if (totals && totals.drop > 0) {
      const scored = await scoresForRanking(inputs, 'drop', update.drop, held);
      if ('reason' in scored) return { ok: false, reason: scored.reason };
      const ranked = rankGlobally(scored.values, afterDrop, totals.drop, 'drop');
      drops = ranked.counts;
      dropCriteria = scored.tensors.map((t) => givenScores(update.drop, t));
      afterDrop = afterDrop.map((m, i) => dropPositions(m, ranked.positions[i]!));
    }
    for (let i = 0; i < kernels.length; i++) {
      if (drops[i] === 0) continue;
      const dropped = await round.drop(layerRequest(inputs, i, 'drop', dropCriteria[i]!, drops[i]!));
      if (!dropped.ok) return { ok: false, reason: dropped.reason };
      masks[i] = dropped.mask;
    }

    // how many to grow per layer, and by which scores
    let growCounts: number[] = kernels.map(() => 0);
    let growCriteria: (DropCriterion | GrowCriterion)[] = update.grow ? kernels.map(() => update.grow!) : [];
    if (counts) {
      const perLayer = await growCountsPerLayer(inputs, drops, counts.regrow);
      if (!Array.isArray(perLayer)) return { ok: false, reason: perLayer.reason };
      growCounts = perLayer;
    } else if (update.grow && totals && totals.regrow > 0) {
      const scored = await scoresForRanking(inputs, 'grow', update.grow, held);
      if ('reason' in scored) return { ok: false, reason: scored.reason };
      growCounts = rankGlobally(scored.values, afterDrop, totals.regrow, 'grow').counts;
      growCriteria = scored.tensors.map((t) => givenScores(update.grow!, t));
    }

    // grow
    if (update.grow) {
      for (let i = 0; i < kernels.length; i++) {
        if (growCounts[i] === 0) continue;
        const grown = await round.grow(layerRequest(inputs, i, 'grow', growCriteria[i]!, growCounts[i]!), masks[i]);
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
    tf.dispose(held);
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
