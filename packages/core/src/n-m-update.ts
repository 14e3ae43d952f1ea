import * as tf from '@tensorflow/tfjs-core';
import { updateCounts } from './mask-update-counts.js';
import { scoreContext, type UpdateInputs, type UpdatePlan } from './mask-update-inputs.js';
import type { LayerSelectionRequest, MaskSelection } from './mask-selection.js';
import { nmRegrow, nmUpdateProblem } from './n-m-groups.js';
import { dropPositions, selectLowestActive } from './selection.js';
import type { DropCriterion, GrowCriterion } from './types.js';

/** Reads layer i's scores of one stage to the host, or the reason naming its first non-finite score. */
async function hostScores(inputs: UpdateInputs, i: number, stage: 'drop' | 'grow', criterion: DropCriterion | GrowCriterion): Promise<Float32Array | string> {
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

function request(inputs: UpdateInputs, i: number, stage: 'drop' | 'grow', criterion: DropCriterion | GrowCriterion, count: number): LayerSelectionRequest {
  const layer = inputs.kernels[i]!.shape;
  return { index: i, layer, stage, count, criterion, context: () => scoreContext(inputs, i), description: `'${criterion.kind}' ${stage} scores of layer ${layer.layerName}` };
}

/**
 * One mask update that keeps N:M sparsity or constant fan-in (`inputs.granularity`, groups `inputs.groups`; Zhou
 * et al. 2021 and Lasby et al. 2024, with RigL's drop-and-grow, Evci et al. 2020): per layer, drop the k = round(f · active) active weights of lowest drop score (as
 * unstructured updates do), then every group regrows exactly as many as it lost, the highest grow scores among
 * its inactive positions (so a dropped weight may be regrown). Works with every criterion. The positions are
 * chosen on the host, on the device selection too (each stage reads every changed layer's scores): the
 * selection is then handed 0/1 scores that single out exactly those positions, so host and device selections
 * give the same masks. Criteria are called in the usual order (every layer's drop, then every layer's grow).
 * @throws Error when the policy cannot keep the groups (pruning target, global scope, redistribution, no grow
 *   criterion), or constant fan-in comes without `inputs.groups`.
 */
export async function planGroupedUpdate(inputs: UpdateInputs, selection: MaskSelection): Promise<UpdatePlan> {
  const { update, kernels, state, rng, granularity } = inputs;
  if (!granularity) throw new Error('planGroupedUpdate: inputs.granularity is missing');
  const problem = nmUpdateProblem({ update, granularity });
  if (problem) throw new Error(problem);
  const groups = inputs.groups ?? (granularity.kind === 'n:m' ? kernels.map((k) => ({ shape: k.shape.shape, n: granularity.n, m: granularity.m })) : undefined);
  if (!groups) throw new Error("planGroupedUpdate: inputs.groups is required with granularity 'fan-in'");
  const counts = updateCounts(inputs);
  if ('reason' in counts) return { ok: false, reason: counts.reason };

  // choose on the host: drops of every layer, then the grouped regrowth
  const dropped: (Int32Array | undefined)[] = kernels.map(() => undefined);
  const afterDrop = kernels.map((_, i) => state.mask(i));
  for (let i = 0; i < kernels.length; i++) {
    if (counts.drop[i] === 0) continue;
    const scores = await hostScores(inputs, i, 'drop', update.drop);
    if (typeof scores === 'string') return { ok: false, reason: scores };
    dropped[i] = selectLowestActive(scores, afterDrop[i]!, counts.drop[i]!);
    afterDrop[i] = dropPositions(afterDrop[i]!, dropped[i]!);
  }
  const grown: (Int32Array | undefined)[] = kernels.map(() => undefined);
  for (let i = 0; i < kernels.length; i++) {
    if (dropped[i] === undefined) continue;
    const scores = await hostScores(inputs, i, 'grow', update.grow!);
    if (typeof scores === 'string') return { ok: false, reason: scores };
    const g = groups[i]!;
    grown[i] = nmRegrow(scores, afterDrop[i]!, g.shape, g.n, g.m);
  }

  // the selection makes exactly those masks
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
