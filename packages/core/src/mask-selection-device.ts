import * as tf from '@tensorflow/tfjs-core';
import { maskSelect } from './mask-select-kernel.js';
import type { LayerChange, LayerSelectionRequest, MaskSelection, SelectionRound } from './mask-selection.js';
import type { MaskState } from './mask-state.js';

/** One score tensor whose finiteness is checked in the single read at the end of planning. */
interface ScoredTensor {
  /** What the reason of a skipped update says about these scores. */
  readonly description: string;
  /** Scalar float32: +Inf when every score is finite, else this entry's position in the check list. */
  readonly flag: tf.Tensor;
}

/** Flattens a criterion's scores to float32 after checking that they cover the kernel. */
function flatScores(scores: tf.Tensor, size: number, what: string): tf.Tensor {
  if (scores.size !== size) {
    throw new RangeError(`${what} have shape [${scores.shape.join(', ')}] (${scores.size} values) but the kernel has ${size} weights`);
  }
  const flat = tf.reshape(scores, [size]);
  return flat.dtype === 'float32' ? flat : tf.cast(flat, 'float32');
}

/** Scalar +Inf when every score is finite, else `position` (so the minimum over all checks names the first failure). */
function finiteFlag(scores: tf.Tensor, position: number): tf.Tensor {
  return tf.where(tf.all(tf.isFinite(scores)), tf.scalar(Number.POSITIVE_INFINITY), tf.scalar(position));
}

/** The new host mask and the positions that became active, from the mask before the update and the selected one. */
function hostChange(before: Uint8Array, selected: Float32Array): Omit<LayerChange, 'deviceMask'> {
  const mask = new Uint8Array(selected);
  let fresh = 0;
  for (let j = 0; j < mask.length; j++) if (mask[j] === 1 && before[j] === 0) fresh++;
  const newConnections = new Int32Array(fresh);
  for (let j = 0, n = 0; j < mask.length; j++) if (mask[j] === 1 && before[j] === 0) newConnections[n++] = j;
  return { mask, newConnections };
}

function deviceRound(state: MaskState): SelectionRound<tf.Tensor> {
  const checks: ScoredTensor[] = [];
  // every tensor this round made; those in handedOver belong to the plan, the rest are released
  const made: tf.Tensor[] = [];
  const handedOver = new Set<tf.Tensor>();
  const flatMask = (request: LayerSelectionRequest): tf.Tensor => tf.reshape(state.maskTensor(request.index), [request.layer.size]);
  /** Selects from `current` (a flat float32 mask made by this round), or from the layer's mask before the update. */
  const select = (request: LayerSelectionRequest, current: tf.Tensor | undefined): tf.Tensor => {
    const { mask, flag } = tf.tidy(() => {
      const scores = flatScores(request.criterion.score(request.context()), request.layer.size, request.description);
      return { mask: maskSelect(scores, current ?? flatMask(request), request.count, request.stage), flag: finiteFlag(scores, checks.length) };
    });
    made.push(mask, flag);
    checks.push({ description: request.description, flag });
    return mask;
  };
  return {
    drop: async (request) => ({ ok: true, mask: select(request, undefined) }),
    grow: async (request, afterDrop) => ({ ok: true, mask: select(request, afterDrop) }),
    // the single finiteness read, before any mask leaves the device
    async check() {
      if (checks.length === 0) return undefined;
      const first = tf.tidy(() => tf.min(tf.stack(checks.map((c) => c.flag))));
      const position = (await first.data())[0]!;
      first.dispose();
      return position === Number.POSITIVE_INFINITY ? undefined : `${checks[position]?.description ?? 'some scores'} are not finite`;
    },
    // new masks to the host mirror (bookkeeping, not selection)
    async finish(masks) {
      const layers: LayerChange[] = [];
      for (const [i, next] of masks.entries()) {
        const before = state.mask(i);
        if (next === undefined) layers.push({ mask: before, newConnections: new Int32Array(0) });
        else layers.push({ ...hostChange(before, (await next.data()) as Float32Array), deviceMask: next });
      }
      // only a finished round hands its device masks to the plan; on any earlier exit release frees them
      for (const layer of layers) if (layer.deviceMask) handedOver.add(layer.deviceMask);
      return layers;
    },
    release: () => tf.dispose(made.filter((t) => !handedOver.has(t))),
  };
}

/**
 * Device selection: selects through `maskSelect`, so that no score leaves the device: the active backend's
 * mask-select kernel (WGSL radix select on WebGPU, the host quickselect on CPU and WASM), or tfjs `topk`
 * where none is registered. Per update it reads one scalar (are all scores finite, and if not which were
 * first) in {@link SelectionRound.check} and, once per changed layer, the new mask: that copy keeps the mask
 * state's host mirror (counts, checkpoints, exploration) and is bookkeeping, not selection. The new device
 * masks travel in the plan (`deviceMask`), so applying it uploads nothing. Scores that do not cover the
 * kernel throw a RangeError naming them.
 *
 * With a registered kernel, ties go to the lower flat index as in host selection, so both select the same
 * positions; with the `topk` fallback ties follow the backend's `topk`. Every score criterion is called even
 * when an earlier one returns non-finite scores (host selection stops at the first), so after a skipped update
 * random criteria may leave the generator in a different state than host selection would.
 *
 * Under global scope and under N:M granularity the planner itself reads the scores to the host before the
 * selection runs (one ranking across layers; the grouped regrowth), and hands this selection scores that fix
 * its choice; only then do scores leave the device.
 */
export const deviceMaskSelection: MaskSelection<tf.Tensor> = { kind: 'device', begin: deviceRound };
