import { Rng } from '@topiary/core';
import { seededPermutation } from './permutation.js';
import { featureSizeOf, type ImageSet } from './loaded-dataset.js';

/**
 * Picks `perClass` examples of every class, deterministically for a seed: walks a seeded permutation of all
 * indices and keeps each example whose class still has room. Returns the chosen indices in ascending order.
 */
export function stratifiedSubsetIndices(labels: Uint8Array, perClass: number, seed: number, numClasses = 10): Uint32Array {
  if (!Number.isInteger(perClass) || perClass <= 0) {
    throw new RangeError(`perClass must be a positive integer, got ${perClass}`);
  }
  const available = new Array<number>(numClasses).fill(0);
  for (const label of labels) available[label] = (available[label] ?? 0) + 1;
  available.forEach((n, label) => {
    if (n < perClass) throw new RangeError(`class ${label} has ${n} examples, fewer than perClass = ${perClass}`);
  });
  const order = seededPermutation(labels.length, Rng.fromSeed(seed));
  const taken = new Array<number>(numClasses).fill(0);
  const chosen: number[] = [];
  for (const index of order) {
    const label = labels[index]!;
    if (taken[label]! < perClass) {
      taken[label]!++;
      chosen.push(index);
      if (chosen.length === perClass * numClasses) break;
    }
  }
  return Uint32Array.from(chosen).sort();
}

/** Copies the examples at `indices` (in that order) into a new image set. */
export function gatherExamples(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = featureSizeOf(set);
  const images = set.images instanceof Float32Array ? new Float32Array(indices.length * size) : new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= set.count) {
      throw new RangeError(`indices[${k}] must be an integer in [0, ${set.count}), got ${i}`);
    }
    images.set(set.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i]!;
  }
  return { ...set, images, labels, count: indices.length };
}
