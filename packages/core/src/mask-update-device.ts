import * as tf from '@tensorflow/tfjs-core';
import { maskSelect } from './mask-select-kernel.js';
import { dropCounts, growCountsPerLayer, scoreContext, type LayerChange, type UpdateInputs, type UpdatePlan } from './mask-update.js';
import type { ScoreContext } from './types.js';

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

/**
 * Computes one mask update like the host path's `planUpdate` (same drop counts, redistribution, "a dropped
 * weight may be regrown and then keeps its value", non-finite scores → `{ ok: false }`), but selects on the
 * device through `maskSelect`, so that no score leaves the device: the active backend's mask-select kernel
 * (WGSL radix select on WebGPU, the host quickselect on CPU and WASM), or tfjs `topk` where none is
 * registered. Per update it reads one scalar (are all scores finite, and if not which were first), one vector
 * of per-layer momentum sums when a redistribution needs them, and, once per changed layer, the new mask:
 * that copy keeps the mask state's host mirror (counts, checkpoints, exploration) and is bookkeeping, not
 * selection. The new device masks travel in the plan (`deviceMask`), so applying it uploads nothing.
 *
 * With a registered kernel, ties go to the lower flat index as on the host path, so both paths select the
 * same positions; with the `topk` fallback ties follow the backend's `topk`. Every score criterion is called
 * even when an earlier one returns non-finite scores (the host path stops at the first), so after a skipped
 * update random criteria may leave the generator in a different state than the host path would.
 */
export async function planUpdateOnDevice(inputs: UpdateInputs): Promise<UpdatePlan> {
  const { update, kernels, state, rng } = inputs;
  const context = (i: number): ScoreContext => scoreContext(inputs, i);

  const counts = dropCounts(inputs);
  if (!Array.isArray(counts)) return { ok: false, reason: counts.reason };
  const drops = counts;

  const checks: ScoredTensor[] = [];
  // Flat float32 masks per layer after each stage; undefined while a layer is unchanged.
  const afterDrop: (tf.Tensor | undefined)[] = kernels.map(() => undefined);
  const afterGrow: (tf.Tensor | undefined)[] = kernels.map(() => undefined);
  // Device masks handed over to the plan; everything else made here is released before returning.
  const handedOver = new Set<tf.Tensor>();
  const held = (): tf.Tensor[] => [...checks.map((c) => c.flag), ...afterDrop, ...afterGrow].filter((t): t is tf.Tensor => t !== undefined && !handedOver.has(t));
  const flatMask = (i: number): tf.Tensor => tf.reshape(state.maskTensor(i), [kernels[i]!.shape.size]);

  try {
    // drop
    for (let i = 0; i < kernels.length; i++) {
      if (drops[i] === 0) continue;
      const description = `'${update.drop.kind}' drop scores of layer ${kernels[i]!.shape.layerName}`;
      const { mask, flag } = tf.tidy(() => {
        const scores = flatScores(update.drop.score(context(i)), kernels[i]!.shape.size, description);
        return { mask: maskSelect(scores, flatMask(i), drops[i]!, 'drop'), flag: finiteFlag(scores, checks.length) };
      });
      afterDrop[i] = mask;
      checks.push({ description, flag });
    }

    // how many to grow per layer
    const growCounts = await growCountsPerLayer(inputs, drops);
    if (!Array.isArray(growCounts)) return { ok: false, reason: growCounts.reason };

    // grow
    if (update.grow) {
      for (let i = 0; i < kernels.length; i++) {
        if (growCounts[i]! === 0) continue;
        const description = `'${update.grow.kind}' grow scores of layer ${kernels[i]!.shape.layerName}`;
        const grow = update.grow;
        const dropped = afterDrop[i];
        const { mask, flag } = tf.tidy(() => {
          const scores = flatScores(grow.score(context(i)), kernels[i]!.shape.size, description);
          return { mask: maskSelect(scores, dropped ?? flatMask(i), growCounts[i]!, 'grow'), flag: finiteFlag(scores, checks.length) };
        });
        afterGrow[i] = mask;
        checks.push({ description, flag });
      }
    }

    // the single finiteness read, before any mask leaves the device
    if (checks.length > 0) {
      const first = tf.tidy(() => tf.min(tf.stack(checks.map((c) => c.flag))));
      const position = (await first.data())[0]!;
      first.dispose();
      if (position !== Number.POSITIVE_INFINITY) {
        return { ok: false, reason: `${checks[position]?.description ?? 'some scores'} are not finite` };
      }
    }

    // new masks to the host mirror (bookkeeping)
    const layers: LayerChange[] = [];
    let changedAny = false;
    for (let i = 0; i < kernels.length; i++) {
      const before = state.mask(i);
      const next = afterGrow[i] ?? afterDrop[i];
      if (next === undefined) {
        layers.push({ mask: before, newConnections: new Int32Array(0) });
        continue;
      }
      const mask = new Uint8Array((await next.data()) as Float32Array);
      let fresh = 0;
      for (let j = 0; j < mask.length; j++) {
        if (mask[j] !== before[j]) changedAny = true;
        if (mask[j] === 1 && before[j] === 0) fresh++;
      }
      const newConnections = new Int32Array(fresh);
      for (let j = 0, n = 0; j < mask.length; j++) if (mask[j] === 1 && before[j] === 0) newConnections[n++] = j;
      layers.push({ mask, newConnections, deviceMask: next });
    }
    // only a plan that is returned owns its device masks; on any earlier exit they are released below
    for (const layer of layers) if (layer.deviceMask) handedOver.add(layer.deviceMask);
    return { ok: true, layers, changedAny, growInit: update.growInit, rng };
  } finally {
    tf.dispose(held());
  }
}
