import * as tf from '@tensorflow/tfjs-core';
import type { PrunableKernel } from './layers.js';
import { globalUpdateTotals, growCountsPerLayer, updateCounts } from './mask-update-counts.js';
import { givenScores, rankGlobally, scoresForRanking } from './global-ranking.js';
import { scoreContext, type UpdateInputs, type UpdatePlan } from './mask-update-inputs.js';
import { hostMaskSelection } from './mask-selection-host.js';
import { planBlockUpdate } from './block-update.js';
import { planGroupedUpdate } from './n-m-update.js';
import type { LayerSelectionRequest, MaskSelection } from './mask-selection.js';
import type { MaskState } from './mask-state.js';
import { dropPositions } from './selection.js';
import type { DropCriterion, GrowCriterion } from './types.js';

export type { LayerChange } from './mask-selection.js';
export { scoreContext } from './mask-update-inputs.js';
export type { UpdateInputs, UpdatePlan } from './mask-update-inputs.js';
export { dropCounts, globalUpdateTotals, growCountsPerLayer, updateCounts } from './mask-update-counts.js';
export type { UpdateCounts } from './mask-update-counts.js';
export { rankGlobally } from './global-ranking.js';
export { planGroupedUpdate } from './n-m-update.js';
export { planBlockUpdate } from './block-update.js';

/** What the planner asks of the selection for layer i at one stage. */
function layerRequest(inputs: UpdateInputs, i: number, stage: 'drop' | 'grow', criterion: DropCriterion | GrowCriterion, count: number): LayerSelectionRequest {
  const layer = inputs.kernels[i]!.shape;
  return { index: i, layer, stage, count, criterion, context: () => ({ ...scoreContext(inputs, i), count }), description: `'${criterion.kind}' ${stage} scores of layer ${layer.layerName}` };
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
 *
 * With `inputs.granularity` (N:M or constant fan-in) the update is planned by {@link planGroupedUpdate}: the
 * same drop, then every group regrows what it lost; with b × b blocks by {@link planBlockUpdate}: whole blocks
 * dropped and grown by their summed scores. The positions are chosen on the host, on the device selection too.
 */
export async function planUpdate(inputs: UpdateInputs, selection: MaskSelection = hostMaskSelection): Promise<UpdatePlan> {
  if (inputs.granularity?.kind === 'block') return planBlockUpdate(inputs, selection);
  if (inputs.granularity) return planGroupedUpdate(inputs, selection);
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
