import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { readSparseCheckpoint, writeSparseCheckpoint, type Checkpoint, type LayerShape, type RestoredSparseCheckpoint } from '@topiary/core';
import type { SparseActivation } from './activations.js';
import type { EverActive } from './ever-active.js';
import { specLayerShapes } from './initial-layers.js';
import { modelDenseLayers } from './network-from-model.js';
import type { SparseMlpSpec } from './network-spec.js';
import type { SparseLayer } from './sparse-layer.js';

/** A layer as the engine will hold it: its kernel's shape facts (bias included) and activation. */
export interface EngineLayerPlan {
  /** The kernel's shape facts. */
  readonly shape: LayerShape;
  /** The activation. */
  readonly activation: SparseActivation;
}

/** The layers an engine built from `source` holds, without building them (no weight is read). */
export function layerPlans(source: LayersModel | SparseMlpSpec): EngineLayerPlan[] {
  if (source instanceof tfl.LayersModel) return modelDenseLayers(source).map((d) => ({ shape: d.shape, activation: d.activation }));
  return specLayerShapes(source).map((shape, i) => ({ shape, activation: source.layers[i]!.activation ?? 'linear' }));
}

/** The weights in the order of a tfjs model of these layers (kernel, then bias), with dense shapes and the index of each kernel. */
function modelOrder(plans: readonly EngineLayerPlan[]): { weights: { name: string; shape: number[]; layer: number; bias: boolean }[]; kernelWeights: number[] } {
  const weights: { name: string; shape: number[]; layer: number; bias: boolean }[] = [];
  const kernelWeights: number[] = [];
  plans.forEach(({ shape }, layer) => {
    kernelWeights.push(weights.length);
    weights.push({ name: shape.name, shape: [...shape.shape], layer, bias: false });
    if (shape.hasBias) weights.push({ name: `${shape.layerName}/bias`, shape: [shape.fanOut], layer, bias: true });
  });
  return { weights, kernelWeights };
}

/** What a checkpoint of the engine holds besides its layers. */
export interface EngineCounters {
  /** The strategy's name. */
  readonly strategy: string;
  /** Steps taken. */
  readonly step: number;
  /** The generator's state. */
  readonly rngState: number[];
  /** FLOPs counters. */
  readonly flops: { training: number; denseTraining: number };
}

/** A version 3 checkpoint of the engine's layers (CSR), ever-active records and optimizer state: O(nnz) memory. */
export async function saveEngineCheckpoint(counters: EngineCounters, layers: readonly SparseLayer[], everActive: readonly EverActive[], optimizer: tf.Optimizer): Promise<Checkpoint> {
  const { weights } = modelOrder(layers.map((l) => ({ shape: l.shape, activation: l.activation })));
  const variables = weights.map((w) => (w.bias ? layers[w.layer]!.bias! : layers[w.layer]!.values));
  return writeSparseCheckpoint({
    ...counters,
    layers: layers.map((l, i) => ({
      shape: l.shape,
      structure: { rowPointers: l.structure.rowPointers, columnIndices: l.structure.columnIndices },
      everActive: everActive[i]!.toCsr(l.shape.fanIn, l.shape.fanOut),
    })),
    weights: weights.map((w, i) => ({ name: w.name, shape: w.shape, variable: variables[i]! })),
    trainable: variables,
    optimizer,
  });
}

/** A checkpoint read for an engine of these layers (whose variables are named under `prefix`), validated; nothing applied. */
export async function readEngineCheckpoint(checkpoint: Checkpoint, plans: readonly EngineLayerPlan[], prefix: string, optimizer: tf.Optimizer, allowNonFinite: boolean): Promise<RestoredSparseCheckpoint> {
  const { weights, kernelWeights } = modelOrder(plans);
  // the engine's trainable variables are those of a model of the same layers, in the same order
  const trainable = weights.map((w, i) => ({ name: w.bias ? `${prefix}${plans[w.layer]!.shape.layerName}/bias` : `${prefix}${w.name}/values`, weight: i }));
  return readSparseCheckpoint(checkpoint, { kernels: plans.map((p) => p.shape), weights, kernelWeights, trainable, optimizer, allowNonFinite });
}

/** Each layer's bias as restored (undefined for a layer without one). */
export function restoredBiases(restored: RestoredSparseCheckpoint, plans: readonly EngineLayerPlan[]): (Float32Array | undefined)[] {
  const { weights } = modelOrder(plans);
  return plans.map((_, layer) => {
    const index = weights.findIndex((w) => w.bias && w.layer === layer);
    return index >= 0 ? restored.weights[index] : undefined;
  });
}
