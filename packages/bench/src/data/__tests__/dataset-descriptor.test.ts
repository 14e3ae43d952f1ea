import { closedObject } from '@topiary/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineDataset, loadDescribedDataset } from '../dataset-descriptor.js';
import { DatasetError } from '../dataset-error.js';
import { DatasetRegistry } from '../dataset-registry.js';
import { loadDataset } from '../load-dataset.js';

const blobs = defineDataset({
  name: 'lab:blobs',
  doc: 'Three classes of two features.',
  options: closedObject({ count: z.int().positive().default(30), oneHot: z.boolean().default(false) }),
  load: ({ count, oneHot }) => {
    const split = (n: number) => ({
      x: { data: Float32Array.from({ length: n * 2 }, (_, i) => (Math.floor(i / 2) % 3) + i / 1000), shape: [n, 2] },
      y: oneHot ? { data: Array.from({ length: n * 3 }, (_, i) => Number(i % 3 === Math.floor(i / 3) % 3)), shape: [n, 3] } : { data: Array.from({ length: n }, (_, i) => i % 3), shape: [n] },
    });
    return { train: split(count), test: split(9) };
  },
});
const datasets = DatasetRegistry.builtin().with([blobs], './plugin.mjs');

describe('plugin data sets', () => {
  it('load through loadDataset with the registry, checked like a module data set', async () => {
    const loaded = await loadDataset({ dataset: 'lab:blobs', options: { count: 12 } }, datasets);
    expect(loaded.info).toMatchObject({ name: 'lab:blobs', origin: 'plugin', source: './plugin.mjs', trainCount: 12, testCount: 9, featureShape: [2], numClasses: 3, files: [] });
    expect(loaded.train.images).toBeInstanceOf(Float32Array);
  });

  it('refuse bad options, arrays that fail the checks and an unknown name', async () => {
    await expect(loadDescribedDataset(blobs, { count: -1 }, './plugin.mjs')).rejects.toThrow('./plugin.mjs (data set "lab:blobs"): data.options.count: Too small');
    await expect(loadDescribedDataset(blobs, { oneHot: true }, './plugin.mjs')).rejects.toThrow(
      './plugin.mjs (data set "lab:blobs") train.y: holds labels of shape [30, 3], expected [30] (one class index per example of ./plugin.mjs (data set "lab:blobs") train.x). The labels look one-hot',
    );
    await expect(loadDataset({ dataset: 'lab:blobs' })).rejects.toThrow(DatasetError);
    await expect(loadDataset({ dataset: 'lab:blobs' })).rejects.toThrow('data.dataset: unknown data set "lab:blobs". Name a built-in data set, or load the plugin that provides it');
  });

  it('take names not taken, naming both sources otherwise', () => {
    expect(datasets.names()).toEqual(['fashion-mnist', 'fashion-mnist-subset', 'fashion-mnist-or-subset', 'idx', 'npy', 'npz', 'csv', 'module', 'lab:blobs']);
    expect(datasets.get('csv')).toBeUndefined();
    expect(() => datasets.with([{ ...blobs, name: 'npz' }], './b.mjs')).toThrow('./b.mjs: data set "npz" is already registered by built-in; give it another name (e.g. "my-lab:npz")');
    expect(() => datasets.with([blobs], './b.mjs')).toThrow('./b.mjs: data set "lab:blobs" is already registered by ./plugin.mjs');
  });
});
