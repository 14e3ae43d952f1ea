import * as tf from '@tensorflow/tfjs-core';
import { Rng, checkPositiveInteger } from '@topiary/core';
import { featureSizeOf, numClassesOf, type ImageSet } from './loaded-dataset.js';
import type { PixelNormalization } from './normalization.js';
import { seededPermutation } from './permutation.js';

/** One batch as tensors; the caller owns both and disposes them. */
export interface Batch {
  /** Inputs, [size, featureSize] (or [size, ...inputShape]), normalised. */
  readonly x: tf.Tensor2D;
  /** One-hot labels, [size, numClasses]. */
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

/** Normalised inputs of the examples at `indices`, as a new Float32Array of indices.length × featureSize. */
export function gatherInputs(set: ImageSet, indices: ArrayLike<number>, normalization: PixelNormalization): Float32Array {
  const size = featureSizeOf(set);
  const out = new Float32Array(indices.length * size);
  const images = set.images;
  if (images instanceof Float32Array) {
    const { mean, std } = normalization;
    for (let k = 0; k < indices.length; k++) {
      const base = indices[k]! * size;
      const dst = k * size;
      for (let p = 0; p < size; p++) out[dst + p] = (images[base + p]! - mean) / std;
    }
    return out;
  }
  const table = normalization.table;
  for (let k = 0; k < indices.length; k++) {
    const base = indices[k]! * size;
    const dst = k * size;
    for (let p = 0; p < size; p++) out[dst + p] = table[images[base + p]!]!;
  }
  return out;
}

/** One-hot labels of the examples at `indices`, as a new Float32Array of indices.length × numClasses. */
export function gatherOneHot(set: ImageSet, indices: ArrayLike<number>): Float32Array {
  const classes = numClassesOf(set);
  const out = new Float32Array(indices.length * classes);
  for (let k = 0; k < indices.length; k++) out[k * classes + set.labels[indices[k]!]!] = 1;
  return out;
}

/**
 * Builds the batch of the examples at `indices` from typed arrays (never by slicing a large tensor, which costs
 * time proportional to the whole tensor on WASM). Returns new tensors the caller disposes.
 */
export function makeBatch(set: ImageSet, indices: ArrayLike<number>, normalization: PixelNormalization, inputShape?: readonly number[]): Batch {
  const size = indices.length;
  for (let k = 0; k < size; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= set.count) {
      throw new RangeError(`batch index ${k} must be an integer in [0, ${set.count}), got ${i}`);
    }
  }
  const shape: number[] = [size, ...(inputShape ?? [featureSizeOf(set)])];
  const x = tf.tensor<tf.Rank>(gatherInputs(set, indices, normalization), shape) as tf.Tensor2D;
  const y = tf.tensor2d(gatherOneHot(set, indices), [size, numClassesOf(set)]);
  return { x, y, size };
}
