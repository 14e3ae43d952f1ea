import * as tf from '@tensorflow/tfjs-core';
import { SparseTrainer, type SparseStrategy } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors, type HostBatch } from '@topiary/core/testing';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { SparseEngineTrainer, type SparseEngineOptions } from '../sparse-engine-trainer.js';

/** LeNet-300-100's shape on a synthetic 10-class task. */
export const LENET = { inputs: 784, hidden: [300, 100], classes: 10 } as const;

/** How far the sparse engine's run is from the masked engine's. */
export interface EngineDeviation {
  /** Whether every layer's mask is equal after every step checked. */
  readonly masksEqual: boolean;
  /** Largest over layers of max |w_sparse − w_masked| / max |w_masked| (kernels and biases). */
  readonly relativeWeightDeviation: number;
  /** Largest |loss difference| over the steps. */
  readonly lossDeviation: number;
  /** Mask updates that changed masks, per engine. */
  readonly updates: { readonly masked: number; readonly sparse: number };
}

/** The same batches for both engines. */
export function equalityBatches(steps: number, batchSize: number): HostBatch[] {
  return syntheticBatches({ count: steps, batchSize, inputs: LENET.inputs, classes: LENET.classes, seed: 11 });
}

/** Trains the same model, seed and batches with both engines and measures how far apart they end. */
export async function compareEngines(strategy: SparseStrategy, batches: readonly HostBatch[], options: Partial<SparseEngineOptions> = {}): Promise<EngineDeviation> {
  const masked = new SparseTrainer(tinyMlp({ ...LENET, hidden: [...LENET.hidden], seed: 5 }), { strategy, optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', seed: 3, weightDecay: 1e-4 });
  const sparseModel = tinyMlp({ ...LENET, hidden: [...LENET.hidden], seed: 5 });
  const sparse = new SparseEngineTrainer(sparseModel, { strategy, optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', seed: 3, weightDecay: 1e-4, products: typescriptProducts(), ...options });
  let lossDeviation = 0;
  const updates = { masked: 0, sparse: 0 };
  let masksEqual = true;
  try {
    for (const batch of batches) {
      const { x, y } = toTensors(batch, LENET.inputs, LENET.classes);
      const a = await masked.step(x, y);
      const b = await sparse.step(x, y);
      tf.dispose([x, y]);
      lossDeviation = Math.max(lossDeviation, Math.abs(a.loss - b.loss));
      if (a.maskUpdated) updates.masked++;
      if (b.maskUpdated) updates.sparse++;
      if (a.maskUpdated || b.maskUpdated) masksEqual &&= sameMasks(masked.masks(), sparse.masks());
    }
    masksEqual &&= sameMasks(masked.masks(), sparse.masks());
    const kernels = await sparse.kernels();
    let relativeWeightDeviation = 0;
    const weights = masked.model.weights.map((w) => w.read());
    for (const [i, layer] of sparse.layers.entries()) {
      const denseSparse = kernels[i]!.toDense();
      const denseMasked = (await weights[2 * i]!.data()) as Float32Array;
      relativeWeightDeviation = Math.max(relativeWeightDeviation, deviation(denseSparse, denseMasked));
      if (layer.bias) relativeWeightDeviation = Math.max(relativeWeightDeviation, deviation((await layer.bias.data()) as Float32Array, (await weights[2 * i + 1]!.data()) as Float32Array));
    }
    return { masksEqual, relativeWeightDeviation, lossDeviation, updates };
  } finally {
    masked.dispose();
    masked.model.dispose();
    sparse.dispose();
    sparseModel.dispose();
  }
}

/** Whether two lists of masks are equal. */
export function sameMasks(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((m, i) => m.length === b[i]!.length && m.every((v, j) => v === b[i]![j]));
}

/** max |a − b| / max |b|. */
export function deviation(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let j = 0; j < b.length; j++) {
    diff = Math.max(diff, Math.abs(a[j]! - b[j]!));
    scale = Math.max(scale, Math.abs(b[j]!));
  }
  return scale === 0 ? diff : diff / scale;
}
