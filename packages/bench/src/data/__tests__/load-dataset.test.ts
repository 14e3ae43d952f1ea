import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MNIST_FORMAT_FILES } from '../fashion-mnist-files.js';
import { encodeIdx } from '../idx.js';
import { bundledSubsetDir, loadDataset } from '../load-dataset.js';
import { SYSTEM_FASHION_MNIST_DIR } from '../locate-fashion-mnist.js';

function classCounts(labels: Uint8Array): number[] {
  const counts = new Array<number>(10).fill(0);
  for (const l of labels) counts[l]!++;
  return counts;
}

describe('the shipped subset', () => {
  it('has 5000 training and 1000 test images, balanced over the 10 classes, with verified files', async () => {
    const data = await loadDataset({ dataset: 'fashion-mnist-subset' });
    expect(data.train.count).toBe(5000);
    expect(data.test.count).toBe(1000);
    expect(data.train.images.length).toBe(5000 * 784);
    expect(classCounts(data.train.labels)).toEqual(new Array(10).fill(500));
    expect(classCounts(data.test.labels)).toEqual(new Array(10).fill(100));
    expect(data.info).toMatchObject({ name: 'fashion-mnist-subset', origin: 'bundled', trainCount: 5000, testCount: 1000 });
    expect(data.info.source).toBe(bundledSubsetDir());
    expect(data.info.files.map((f) => f.role)).toEqual(['trainImages', 'trainLabels', 'testImages', 'testLabels']);
    for (const f of data.info.files) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(f.verified).toBe(true);
    }
  });
});

describe.skipIf(!existsSync(SYSTEM_FASHION_MNIST_DIR))('the installed Fashion-MNIST', () => {
  it('loads 60000/10000 images and recognises the official files', async () => {
    const data = await loadDataset({ dataset: 'fashion-mnist', env: {}, download: false });
    expect(data.info.origin).toBe('system');
    expect([data.train.count, data.test.count]).toEqual([60000, 10000]);
    expect(classCounts(data.test.labels)).toEqual(new Array(10).fill(1000));
    expect(data.info.files.every((f) => f.verified)).toBe(true);
  });
});

describe('damaged data files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'load-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeSet(target: string, trainLabels: Uint8Array, trainImages = 3): Promise<void> {
    const sets = {
      trainImages: encodeIdx([trainImages, 28, 28], new Uint8Array(trainImages * 784)),
      trainLabels: encodeIdx([trainLabels.length], trainLabels),
      testImages: encodeIdx([1, 28, 28], new Uint8Array(784)),
      testLabels: encodeIdx([1], Uint8Array.of(0)),
    };
    for (const spec of MNIST_FORMAT_FILES) await writeFile(join(target, spec.gzName), gzipSync(sets[spec.role]));
    await writeFile(join(target, 'manifest.json'), JSON.stringify({ files: {}, trainCount: 3, testCount: 1 }));
  }

  it('loads an intact set but marks files outside the manifest as unverified', async () => {
    await writeSet(dir, Uint8Array.of(1, 2, 3));
    const data = await loadDataset({ dataset: 'fashion-mnist-subset', subsetDir: dir });
    expect(data.train.count).toBe(3);
    expect(data.info.files.every((f) => !f.verified)).toBe(true);
  });

  it('refuses labels out of range, naming the file and the index', async () => {
    await writeSet(dir, Uint8Array.of(1, 12, 3));
    await expect(loadDataset({ dataset: 'fashion-mnist-subset', subsetDir: dir })).rejects.toThrow(
      /train-labels-idx1-ubyte\.gz: label 12 at index 1 is out of range, expected 0-9/,
    );
  });

  it('refuses image and label counts that disagree', async () => {
    await writeSet(dir, Uint8Array.of(1, 2), 3);
    await expect(loadDataset({ dataset: 'fashion-mnist-subset', subsetDir: dir })).rejects.toThrow(
      /holds 2 labels, expected 3/,
    );
  });

  it('refuses a missing file and a missing manifest', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'load-empty-'));
    try {
      await expect(loadDataset({ dataset: 'fashion-mnist-subset', subsetDir: empty })).rejects.toThrow(/manifest not found/);
      await copyFile(join(bundledSubsetDir(), 'manifest.json'), join(empty, 'manifest.json'));
      await expect(loadDataset({ dataset: 'fashion-mnist-subset', subsetDir: empty })).rejects.toThrow(
        /lacks train-images-idx3-ubyte\.gz, train-labels-idx1-ubyte\.gz/,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('refuses a full data set whose sizes are not Fashion-MNIST', async () => {
    await writeSet(dir, Uint8Array.of(1, 2, 3));
    await expect(loadDataset({ dataset: 'fashion-mnist', dir, env: {}, download: false })).rejects.toThrow(
      /unexpected IDX dimensions \[3, 28, 28\], expected \[60000, 28, 28\].*apt-get install dataset-fashion-mnist/,
    );
  });
});

describe('fashion-mnist-or-subset', () => {
  it('falls back to the shipped subset when the full set is not on this machine, and says so', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'topiary-none-'));
    try {
      const data = await loadDataset({ dataset: 'fashion-mnist-or-subset', env: {}, systemDir: empty, cacheDir: empty });
      expect(data.info).toMatchObject({ name: 'fashion-mnist-subset', origin: 'bundled' });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it.skipIf(!existsSync(SYSTEM_FASHION_MNIST_DIR))('takes the full set when it is installed', async () => {
    const data = await loadDataset({ dataset: 'fashion-mnist-or-subset', env: {} });
    expect(data.info).toMatchObject({ name: 'fashion-mnist', origin: 'system' });
  });

  it('treats an explicit location as a request for the full set: missing files are an error, not a fallback', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'topiary-none-'));
    try {
      await expect(loadDataset({ dataset: 'fashion-mnist-or-subset', env: { TOPIARY_DATA_DIR: empty } })).rejects.toThrow(/TOPIARY_DATA_DIR/);
      await expect(loadDataset({ dataset: 'fashion-mnist-or-subset', env: {}, dir: empty })).rejects.toThrow(/lacks/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
