import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../rng.js';

/** A small MLP (inputs → hidden… → classes, softmax) with seeded initialisers, so the same seed gives the same weights. */
export function tinyMlp(options: { inputs?: number; hidden?: number[]; classes?: number; seed?: number } = {}): tfl.LayersModel {
  const { inputs = 16, hidden = [48, 32], classes = 4, seed = 1 } = options;
  const model = tfl.sequential();
  [...hidden, classes].forEach((units, i) => {
    model.add(
      tfl.layers.dense({
        units,
        activation: i === hidden.length ? 'softmax' : 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 100 + i }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [inputs] } : {}),
      }),
    );
  });
  return model;
}

/** A batch of a synthetic classification task, as host arrays (one-hot labels). */
export interface HostBatch {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly size: number;
}

/**
 * A deterministic synthetic task: `classes` Gaussian clusters in `inputs` dimensions; returns `count` batches.
 * Linearly separable enough that any working trainer lowers the loss within a few dozen steps.
 */
export function syntheticBatches(options: { count: number; batchSize?: number; inputs?: number; classes?: number; seed?: number }): HostBatch[] {
  const { count, batchSize = 32, inputs = 16, classes = 4, seed = 7 } = options;
  const rng = Rng.fromSeed(seed);
  const centers = Array.from({ length: classes }, () => Array.from({ length: inputs }, () => rng.normal() * 1.5));
  return Array.from({ length: count }, () => {
    const x = new Float32Array(batchSize * inputs);
    const y = new Float32Array(batchSize * classes);
    for (let b = 0; b < batchSize; b++) {
      const c = rng.int(classes);
      y[b * classes + c] = 1;
      for (let j = 0; j < inputs; j++) x[b * inputs + j] = centers[c]![j]! + rng.normal();
    }
    return { x, y, size: batchSize };
  });
}

/** Turns a host batch into tensors (the caller disposes them). */
export function toTensors(batch: HostBatch, inputs = 16, classes = 4): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return { x: tf.tensor2d(batch.x, [batch.size, inputs]), y: tf.tensor2d(batch.y, [batch.size, classes]) };
}
