import * as tf from '@tensorflow/tfjs-core';
import { Rng, checkPositiveInteger } from '@topiary/core';
import { IMAGE_PIXELS, NUM_CLASSES } from './fashion-mnist-files.js';
import type { ImageSet } from './load-dataset.js';
import type { PixelNormalization } from './normalization.js';
import { seededPermutation } from './permutation.js';

/** One batch as tensors; the caller owns both and disposes them. */
export interface Batch {
  /** Inputs, [size, 784], normalised. */
  readonly x: tf.Tensor2D;
  /** One-hot labels, [size, 10]. */
  readonly y: tf.Tensor2D;
  /** Examples in the batch. */
  readonly size: number;
}

/** Number of full batches in one epoch (the last, partial batch is dropped when `dropLast`). */
export function batchesPerEpoch(count: number, batchSize: number, dropLast = true): number {
  checkPositiveInteger(batchSize, 'batchSize');
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * The example order of one epoch, split into batches: a seeded permutation of 0…count−1 cut into `batchSize`
 * pieces (views into one array). Same generator state, same order.
 */
export function shuffledBatchIndices(count: number, batchSize: number, rng: Rng, dropLast = true): Uint32Array[] {
  const order = seededPermutation(count, rng);
  return cutIntoBatches(order, batchSize, dropLast);
}

/** The examples 0…count−1 in order, in batches of `batchSize` (the last one may be smaller), for evaluation. */
export function sequentialBatchIndices(count: number, batchSize: number): Uint32Array[] {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return cutIntoBatches(order, batchSize, false);
}

function cutIntoBatches(order: Uint32Array, batchSize: number, dropLast: boolean): Uint32Array[] {
  const batches: Uint32Array[] = [];
  const n = batchesPerEpoch(order.length, batchSize, dropLast);
  for (let b = 0; b < n; b++) batches.push(order.subarray(b * batchSize, Math.min((b + 1) * batchSize, order.length)));
  return batches;
}

/** Normalised inputs of the examples at `indices`, as a new Float32Array of indices.length × 784. */
export function gatherInputs(set: ImageSet, indices: ArrayLike<number>, normalization: PixelNormalization): Float32Array {
  const out = new Float32Array(indices.length * IMAGE_PIXELS);
  const table = normalization.table;
  for (let k = 0; k < indices.length; k++) {
    const base = indices[k]! * IMAGE_PIXELS;
    const dst = k * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) out[dst + p] = table[set.images[base + p]!]!;
  }
  return out;
}

/** One-hot labels of the examples at `indices`, as a new Float32Array of indices.length × 10. */
export function gatherOneHot(set: ImageSet, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * NUM_CLASSES);
  for (let k = 0; k < indices.length; k++) out[k * NUM_CLASSES + set.labels[indices[k]!]!] = 1;
  return out;
}

/**
 * Builds the batch of the examples at `indices` from typed arrays (never by slicing a large tensor, which costs
 * time proportional to the whole tensor on WASM). Returns new tensors the caller disposes.
 */
export function makeBatch(set: ImageSet, indices: ArrayLike<number>, normalization: PixelNormalization): Batch {
  const size = indices.length;
  for (let k = 0; k < size; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= set.count) {
      throw new RangeError(`batch index ${k} must be an integer in [0, ${set.count}), got ${i}`);
    }
  }
  const x = tf.tensor2d(gatherInputs(set, indices, normalization), [size, IMAGE_PIXELS]);
  const y = tf.tensor2d(gatherOneHot(set, indices), [size, NUM_CLASSES]);
  return { x, y, size };
}
