// Shared pieces of the performance report: seeded random batches, trainers and interleaved timing.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SparseTrainer, type SparseStrategy } from '@topiary/core';

/** Batch size of every timed step. */
export const BATCH = 100;

/** One batch of inputs and one-hot labels. */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** `count` seeded random batches of the given input shape. */
export function randomBatches(count: number, inputShape: number[]): Batch[] {
  return Array.from({ length: count }, (_, i) => {
    const x = tf.randomUniform([BATCH, ...inputShape], 0, 1, 'float32', 1000 + i);
    const labels = tf.randomUniform([BATCH], 0, 10, 'int32', 2000 + i);
    const y = tf.cast(tf.oneHot(labels, 10), 'float32');
    labels.dispose();
    return { x, y };
  });
}

/** Disposes batches made by randomBatches. */
export function disposeBatches(batches: Batch[]): void {
  batches.forEach(({ x, y }) => tf.dispose([x, y]));
}

/** Where mask updates select. */
export type Selection = 'auto' | 'host' | 'device';

/** A trainer with momentum SGD, cross-entropy and seed 0, warnings silenced. */
export function trainerFor(model: tfl.LayersModel, strategy: SparseStrategy, selection: Selection = 'auto'): SparseTrainer {
  return new SparseTrainer(model, { strategy, optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy', seed: 0, selection, onWarning: () => undefined });
}

/** Milliseconds for `steps` training steps, cycling through the batches. */
export async function timeSteps(trainer: SparseTrainer, batches: Batch[], steps: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    const b = batches[i % batches.length]!;
    await trainer.step(b.x, b.y);
  }
  return performance.now() - start;
}

/** The median of a list of numbers. */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

