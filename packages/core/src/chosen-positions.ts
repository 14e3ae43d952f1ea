/**
 * Host-chosen mask updates: structured granularities (N:M, constant fan-in, blocks) choose every dropped and grown
 * position on the host, then hand the selection (host or device) 0/1 scores that single out exactly those
 * positions, so that every selection gives the same masks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { scoreContext, type UpdateInputs, type UpdatePlan } from './mask-update-inputs.js';
import type { LayerSelectionRequest, MaskSelection } from './mask-selection.js';
import type { DropCriterion, GrowCriterion } from './types.js';

/** Reads layer i's scores of one stage to the host, or the reason naming its first non-finite score. */
export async function hostScores(inputs: UpdateInputs, i: number, stage: 'drop' | 'grow', criterion: DropCriterion | GrowCriterion): Promise<Float32Array | string> {
  const layer = inputs.kernels[i]!.shape;
  const t = tf.tidy(() => {
    const s = criterion.score(scoreContext(inputs, i));
    if (s.size !== layer.size) {
      throw new RangeError(`'${criterion.kind}' ${stage} scores of layer ${layer.layerName} have shape [${s.shape.join(', ')}] (${s.size} values) but the kernel has ${layer.size} weights`);
    }
    return tf.cast(tf.reshape(s, [layer.size]), 'float32');
  });
  const values = (await t.data()) as Float32Array;
  t.dispose();
  for (let j = 0; j < values.length; j++) {
    if (!Number.isFinite(values[j]!)) return `'${criterion.kind}' ${stage} scores of layer ${layer.layerName} are not finite (value ${values[j]} at ${j})`;
  }
  return values;
}

/** A criterion scoring 1 at `positions` and 0 elsewhere (or the reverse with `low`), so any selection picks exactly them. */
function indicator(criterion: DropCriterion | GrowCriterion, shape: readonly number[], positions: Int32Array, low: boolean): DropCriterion & GrowCriterion {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(low ? 1 : 0);
  for (const p of positions) values[p] = low ? 0 : 1;
  return { kind: criterion.kind, score: () => tf.tensor(values, [...shape]) };
}

/** What the planner asks of the selection for layer i at one stage. */
function request(inputs: UpdateInputs, i: number, stage: 'drop' | 'grow', criterion: DropCriterion | GrowCriterion, count: number): LayerSelectionRequest {
  const layer = inputs.kernels[i]!.shape;
  return { index: i, layer, stage, count, criterion, context: () => scoreContext(inputs, i), description: `'${criterion.kind}' ${stage} scores of layer ${layer.layerName}` };
}

/**
 * Makes the plan of an update whose positions were chosen on the host: per layer, `dropped[i]` (active positions
 * to clear) and then `grown[i]` (positions inactive after the drop to set; undefined or empty: none), every drop
 * before any grow, through `selection`, whose first skip ends the update.
 */
export async function planChosenPositions(inputs: UpdateInputs, selection: MaskSelection, dropped: readonly (Int32Array | undefined)[], grown: readonly (Int32Array | undefined)[]): Promise<UpdatePlan> {
  const { update, kernels, state, rng } = inputs;
  const round = selection.begin(state);
  try {
    const masks: unknown[] = kernels.map(() => undefined);
    for (let i = 0; i < kernels.length; i++) {
      const positions = dropped[i];
      if (!positions || positions.length === 0) continue;
      const step = await round.drop(request(inputs, i, 'drop', indicator(update.drop, kernels[i]!.shape.shape, positions, true), positions.length));
      if (!step.ok) return { ok: false, reason: step.reason };
      masks[i] = step.mask;
    }
    for (let i = 0; i < kernels.length; i++) {
      const positions = grown[i];
      if (!positions || positions.length === 0) continue;
      const step = await round.grow(request(inputs, i, 'grow', indicator(update.grow!, kernels[i]!.shape.shape, positions, false), positions.length), masks[i]);
      if (!step.ok) return { ok: false, reason: step.reason };
      masks[i] = step.mask;
    }
    const reason = await round.check();
    if (reason !== undefined) return { ok: false, reason };
    const layers = await round.finish(masks);
    const changedAny = layers.some((change, i) => {
      const before = state.mask(i);
      return change.mask.some((v, j) => v !== before[j]);
    });
    return { ok: true, layers, changedAny, growInit: update.growInit, rng };
  } finally {
    round.release();
  }
}
