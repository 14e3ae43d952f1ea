import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchesPerEpoch, makeBatch, sequentialBatchIndices, shuffledBatchIndices } from '../batches.js';
import type { ImageSet, LoadedDataset } from '../loaded-dataset.js';
import { computeNormalization } from '../normalization.js';
import { prepareData } from '../prepare-data.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** n images whose pixels all equal (index mod 256) and whose label is index mod 10. */
function syntheticSet(n: number): ImageSet {
  const images = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) images.fill(i % 256, i * 784, (i + 1) * 784);
  return { images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10), count: n };
}

function syntheticDataset(trainCount: number, testCount: number): LoadedDataset {
  const train = syntheticSet(trainCount);
  const test = syntheticSet(testCount);
  return {
    train,
    test,
    info: { name: 'fashion-mnist-subset', origin: 'bundled', source: '/data', trainCount, testCount, files: [] },
  };
}

const flat = (batches: Uint32Array[]) => batches.flatMap((b) => Array.from(b));

describe('shuffledBatchIndices', () => {
  it('gives the same order for the same seed and a different one for another seed', () => {
    const a = flat(shuffledBatchIndices(100, 10, Rng.fromSeed(1)));
    const b = flat(shuffledBatchIndices(100, 10, Rng.fromSeed(1)));
    const c = flat(shuffledBatchIndices(100, 10, Rng.fromSeed(2)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('reshuffles each epoch from one generator and covers every example once', () => {
    const rng = Rng.fromSeed(7);
    const epoch1 = flat(shuffledBatchIndices(100, 10, rng));
    const epoch2 = flat(shuffledBatchIndices(100, 10, rng));
    expect(epoch1).not.toEqual(epoch2);
    expect([...epoch1].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('drops the last partial batch for training and keeps it for evaluation', () => {
    expect(shuffledBatchIndices(105, 10, Rng.fromSeed(0)).map((b) => b.length)).toEqual(new Array(10).fill(10));
    expect(batchesPerEpoch(105, 10)).toBe(10);
    expect(sequentialBatchIndices(105, 10).map((b) => b.length)).toEqual([...new Array(10).fill(10), 5]);
    expect(() => batchesPerEpoch(10, 0)).toThrow(/batchSize must be a positive integer, got 0/);
  });
});

describe('makeBatch', () => {
  it('builds [n, 784] normalised inputs and one-hot labels for the given examples', async () => {
    const set = syntheticSet(20);
    const batch = makeBatch(set, [3, 17], computeNormalization(set, 'none'));
    expect(batch.x.shape).toEqual([2, 784]);
    expect(batch.y.shape).toEqual([2, 10]);
    const x = await batch.x.data();
    expect(x[0]).toBeCloseTo(3 / 255, 6);
    expect(x[784 + 100]).toBeCloseTo(17 / 255, 6);
    expect(Array.from(await batch.y.data())).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    tf.dispose([batch.x, batch.y]);
  });

  it('creates only the two tensors it returns', () => {
    const set = syntheticSet(8);
    const before = tf.memory().numTensors;
    const batch = makeBatch(set, [0, 1, 2], computeNormalization(set, 'none'));
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([batch.x, batch.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses indices outside the set', () => {
    const set = syntheticSet(4);
    expect(() => makeBatch(set, [4], computeNormalization(set, 'none'))).toThrow(/batch index 0 must be an integer in \[0, 4\), got 4/);
  });
});

describe('computeNormalization', () => {
  it("'standardize' maps the training pixels to mean 0 and std 1", () => {
    const set = syntheticSet(50);
    const norm = computeNormalization(set, 'standardize');
    let sum = 0;
    let sumSquares = 0;
    for (const p of set.images) {
      const v = norm.table[p]!;
      sum += v;
      sumSquares += v * v;
    }
    const n = set.images.length;
    expect(sum / n).toBeCloseTo(0, 5);
    expect(Math.sqrt(sumSquares / n)).toBeCloseTo(1, 5);
    expect(norm.mean).toBeCloseTo(24.5 / 255, 6);
  });

  it("'none' only scales to [0, 1]", () => {
    const norm = computeNormalization(syntheticSet(3), 'none');
    expect([norm.mean, norm.std, norm.table[0], norm.table[255]]).toEqual([0, 1, 0, 1]);
  });
});

describe('prepareData', () => {
  it('holds out the last N of a seeded permutation, disjoint from training, same for the same seed', () => {
    const loaded = syntheticDataset(200, 50);
    const a = prepareData(loaded, { validationSplit: 40, seed: 3 });
    const b = prepareData(loaded, { validationSplit: 40, seed: 3 });
    const c = prepareData(loaded, { validationSplit: 40, seed: 4 });
    expect([a.train.count, a.validation.count, a.test.count]).toEqual([160, 40, 50]);
    const firstPixels = (s: ImageSet) => Array.from({ length: s.count }, (_, i) => s.images[i * 784]!);
    expect(firstPixels(a.validation)).toEqual(firstPixels(b.validation));
    expect(firstPixels(a.validation)).not.toEqual(firstPixels(c.validation));
    const all = [...firstPixels(a.train), ...firstPixels(a.validation)].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i % 256).sort((x, y) => x - y));
    expect(a.info).toMatchObject({ trainUsed: 160, validationUsed: 40, testUsed: 50, normalize: 'none' });
  });

  it('applies train and test limits before the split', () => {
    const prepared = prepareData(syntheticDataset(200, 50), { trainLimit: 30, testLimit: 10, validationSplit: 5 });
    expect([prepared.train.count, prepared.validation.count, prepared.test.count]).toEqual([25, 5, 10]);
    expect(Math.max(...Array.from(prepared.validation.labels))).toBeLessThan(10);
  });

  it('computes the standardisation on the training part only', () => {
    const prepared = prepareData(syntheticDataset(100, 10), { normalize: 'standardize', trainLimit: 20 });
    expect(prepared.info.pixelMean).toBeCloseTo(9.5 / 255, 6);
  });

  it('refuses a split that leaves nothing to train on, and bad limits', () => {
    expect(() => prepareData(syntheticDataset(10, 5), { validationSplit: 10 })).toThrow(
      /validationSplit must be smaller than the 10 training examples available, got 10/,
    );
    expect(() => prepareData(syntheticDataset(10, 5), { trainLimit: 0 })).toThrow(/trainLimit must be an integer ≥ 1, got 0/);
  });
});
