import { Rng } from '@topiary/core';
import { describe, expect, it } from 'vitest';
import { seededPermutation } from '../permutation.js';
import { gatherExamples, stratifiedSubsetIndices } from '../stratified-subset.js';

const labels = Uint8Array.from({ length: 1000 }, (_, i) => (i * 3) % 10);

describe('stratifiedSubsetIndices', () => {
  it('takes exactly perClass examples of each class, sorted, without repeats', () => {
    const indices = stratifiedSubsetIndices(labels, 20, 1);
    expect(indices.length).toBe(200);
    const counts = new Array(10).fill(0);
    for (const i of indices) counts[labels[i]!]++;
    expect(counts).toEqual(new Array(10).fill(20));
    for (let k = 1; k < indices.length; k++) expect(indices[k]!).toBeGreaterThan(indices[k - 1]!);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(Array.from(stratifiedSubsetIndices(labels, 20, 5))).toEqual(Array.from(stratifiedSubsetIndices(labels, 20, 5)));
    expect(Array.from(stratifiedSubsetIndices(labels, 20, 5))).not.toEqual(Array.from(stratifiedSubsetIndices(labels, 20, 6)));
  });

  it('refuses a quota larger than a class', () => {
    expect(() => stratifiedSubsetIndices(labels, 101, 0)).toThrow(/class \d has 100 examples, fewer than perClass = 101/);
    expect(() => stratifiedSubsetIndices(labels, 0, 0)).toThrow(/perClass must be a positive integer, got 0/);
  });
});

describe('seededPermutation', () => {
  it('is a permutation', () => {
    const order = seededPermutation(500, Rng.fromSeed(3));
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});

describe('gatherExamples', () => {
  it('copies the chosen images and labels in the given order', () => {
    const set = { images: Uint8Array.from({ length: 3 * 784 }, (_, i) => Math.floor(i / 784) + 1), labels: Uint8Array.of(4, 5, 6), count: 3 };
    const gathered = gatherExamples(set, [2, 0]);
    expect(gathered.count).toBe(2);
    expect(Array.from(gathered.labels)).toEqual([6, 4]);
    expect(gathered.images[0]).toBe(3);
    expect(gathered.images[784]).toBe(1);
    expect(() => gatherExamples(set, [3])).toThrow(/indices\[0\] must be an integer in \[0, 3\), got 3/);
  });
});
