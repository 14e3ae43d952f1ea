import * as tf from '@tensorflow/tfjs-core';
import { scoreContext, type UpdateInputs } from './mask-update-inputs.js';
import { selectHighestInactive, selectLowestActive } from './selection.js';
import type { DropCriterion, GrowCriterion } from './types.js';

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
 * Every layer's scores of one stage for a global ranking, computed once and read to the host in one read: the
 * tensors (kept in `held`, so that the selection is handed the same scores) and their values, or the reason
 * naming the first layer whose scores are not finite.
 */
export async function scoresForRanking(inputs: UpdateInputs, stage: 'drop' | 'grow', criterion: DropCriterion | GrowCriterion, held: tf.Tensor[]): Promise<{ readonly tensors: tf.Tensor[]; readonly values: Float32Array[] } | { readonly reason: string }> {
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
export function givenScores(criterion: DropCriterion | GrowCriterion, scores: tf.Tensor): DropCriterion & GrowCriterion {
  return { kind: criterion.kind, score: () => tf.clone(scores) };
}
