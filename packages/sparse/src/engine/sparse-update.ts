import * as tf from '@tensorflow/tfjs-core';
import { selectLowestActive, updateCounts, type DropCriterion, type LayerShape, type MaskUpdatePolicy, type Distribution, type Rng } from '@topiary/core';
import { AfterDrop } from './after-drop.js';
import { deviceGradientGrowth } from './device-gradient-growth.js';
import { gradientGrowth, gseGrowth, maskedOrderRandomGrowth, sampledRandomGrowth } from './grow-positions.js';
import { selectSetDrop } from './set-drop-selection.js';
import type { SparseLayer } from './sparse-layer.js';
import { hostCapture, isDeviceCapture, type StepCapture } from './step-capture.js';
import type { SparseKernel } from '../kernel/sparse-kernel.js';

/** How random growth draws its positions: `sampled` in O(k), or `masked-order` (the masked engine's draws, O(inputs · outputs) time). */
export type RandomGrowth = 'sampled' | 'masked-order';

/** Inputs of {@link planSparseUpdate}. */
export interface SparseUpdateInputs {
  /** The step of the update. */
  readonly step: number;
  /** The strategy's policy (checked by `checkSparseStrategy`). */
  readonly update: MaskUpdatePolicy;
  /** The strategy's distribution (pruning targets). */
  readonly distribution: Distribution;
  /** The layers. */
  readonly layers: readonly SparseLayer[];
  /** Each layer's X, dY and sampled gradient of the step (present when a criterion needs the gradient). */
  readonly captures: readonly (StepCapture | undefined)[];
  /** The engine's generator. */
  readonly rng: Rng;
  /** How random growth draws. */
  readonly randomGrowth: RandomGrowth;
}

/** One layer's new structure and where its entries come from. */
export interface SparseLayerChange {
  /** The structure and values after the update. */
  readonly kernel: SparseKernel;
  /** For each new entry its old index, or −1 (a new connection). */
  readonly sources: Int32Array;
  /** Entries dropped and not regrown. */
  readonly dropped: number;
  /** New connections. */
  readonly grown: number;
}

/** A planned update (undefined for layers that do not change), or the reason it is skipped. */
export type SparseUpdatePlan = { readonly ok: true; readonly layers: readonly (SparseLayerChange | undefined)[] } | { readonly ok: false; readonly reason: string };

/** The layer as a 1-D kernel of its nonzeros, for criteria scored on them. */
function nonzeroShape(shape: LayerShape, nnz: number): LayerShape {
  return { ...shape, shape: [nnz], size: nnz };
}

/** The drop criterion's scores of a layer's nonzeros (structure order). */
async function dropScores(criterion: DropCriterion, layer: SparseLayer, capture: StepCapture | undefined, step: number, rng: Rng, count: number): Promise<Float32Array> {
  const nnz = layer.nnz;
  const scores = tf.tidy(() => {
    const gradient = capture ? (isDeviceCapture(capture) ? capture.sampled : tf.tensor1d(capture.sampled)) : undefined;
    return criterion.score({ layer: nonzeroShape(layer.shape, nnz), weight: layer.values, mask: tf.ones([nnz]), step, rng, count, ...(gradient ? { gradient } : {}) });
  });
  const values = (await scores.data()) as Float32Array;
  scores.dispose();
  return values;
}

/**
 * Plans one mask update of the sparse engine, as the masked engine's planner does it (layer scope): counts from
 * core's `updateCounts`, every layer's drop (lowest drop scores among its nonzeros, ties to the lower position),
 * then every layer's growth among the positions inactive after the drop, in layer order, so that the generator
 * is drawn in the same order. SET's drop (`set`) is selected on the host by `selectSetDrop` (the same positions,
 * without the criterion's sort). Nothing of a dense kernel's size is made: the drop scores nnz values, the growth
 * runs on tiles of the dense gradient, on samples, or on a stream of draws.
 */
export async function planSparseUpdate(inputs: SparseUpdateInputs): Promise<SparseUpdatePlan> {
  const { step, update, layers, captures, rng } = inputs;
  const counts = updateCounts({ step, update, distribution: inputs.distribution, kernels: layers, state: { active: (i) => layers[i]!.nnz } });
  if ('reason' in counts) return { ok: false, reason: counts.reason };

  const afterDrop: AfterDrop[] = [];
  for (const [i, layer] of layers.entries()) {
    const values = (await layer.values.data()) as Float32Array;
    const dropped = new Uint8Array(layer.nnz);
    const k = counts.drop[i]!;
    if (k > 0 && update.drop.kind === 'set') {
      // SET's drop selected on the host, in expected O(nnz): the criterion's selection without its full sort.
      for (const j of selectSetDrop(values, k)) dropped[j] = 1;
    } else if (k > 0) {
      const scores = await dropScores(update.drop, layer, captures[i], step, rng, k);
      if (!scores.every(Number.isFinite)) return { ok: false, reason: `'${update.drop.kind}' drop scores of layer ${layer.shape.layerName} are not finite` };
      for (const j of selectLowestActive(scores, new Uint8Array(layer.nnz).fill(1), k)) dropped[j] = 1;
    }
    afterDrop.push(new AfterDrop(layer.structure, values, dropped));
  }

  const grown: Float64Array[] = [];
  for (const [i, layer] of layers.entries()) {
    const k = update.grow ? counts.regrow[i]! : 0;
    const after = afterDrop[i]!;
    if (k > after.inactive) return { ok: false, reason: `layer ${layer.shape.layerName} would grow ${k} of ${after.inactive} inactive positions` };
    if (k === 0) {
      grown.push(new Float64Array(0));
      continue;
    }
    const grow = update.grow!;
    const capture = captures[i];
    if (grow.kind === 'random') {
      grown.push(inputs.randomGrowth === 'masked-order' ? maskedOrderRandomGrowth(after, k, rng) : sampledRandomGrowth(after, k, rng));
      continue;
    }
    if (!capture) return { ok: false, reason: `'${grow.kind}' grow of layer ${layer.shape.layerName} needs the step's gradient, which was not kept` };
    const result =
      grow.kind === 'gse'
        ? gseGrowth(after, await hostCapture(capture), k, Math.min(layer.shape.size, Math.ceil(((grow as { subsetFactor?: number }).subsetFactor ?? 2) * k)), rng, layer.shape.layerName)
        : isDeviceCapture(capture)
          ? await deviceGradientGrowth(after, capture, k, layer.shape.layerName)
          : await gradientGrowth(after, capture, k, layer.shape.layerName);
    if (!result.ok) return result;
    grown.push(result.positions);
  }

  return {
    ok: true,
    layers: layers.map((layer, i) => {
      const after = afterDrop[i]!;
      if (after.kept === layer.nnz && grown[i]!.length === 0) return undefined;
      const { kernel, sources } = after.grow(grown[i]!);
      let fresh = 0;
      for (const s of sources) if (s < 0) fresh++;
      const kept = kernel.nnz - fresh;
      return { kernel, sources, dropped: layer.nnz - kept, grown: fresh };
    }),
  };
}
