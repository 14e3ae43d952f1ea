// No step or mask update of the sparse engine allocates anything of a dense kernel's size: a 4096 × 4096 layer
// (16.8 M weights, 64 MiB as a dense float32 kernel) at 99.5% sparsity, built from a description, trained with
// RigL (dense gradient in tiles), SET (sampled growth) and GSE; every typed array made during the steps and the
// update is recorded (tfjs's own included) and none reaches a quarter of the kernel's size.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { rigl, set } from '@topiary/algorithms';
import type { SparseStrategy } from '@topiary/core';
import { uniform } from '@topiary/distributions';
import { gseGrow } from '@topiary/grow';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordAllocationsAsync } from '../../__tests__/allocations.js';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { GRADIENT_TILE_FLOATS } from '../grow-positions.js';
import { SparseEngineTrainer } from '../sparse-engine-trainer.js';

const WIDTH = 4096;
const DENSE = WIDTH * WIDTH;
const BATCH = 8;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const gse = (): SparseStrategy => {
  const base = rigl({ sparsity: 0.995, totalSteps: 8, updateEvery: 2, distribution: uniform() });
  return { ...base, name: 'gse', update: { ...base.update!, grow: gseGrow() } };
};

describe('no sparse-engine step or update allocates a buffer of the dense kernel\'s size', () => {
  it.each([
    ['RigL', () => rigl({ sparsity: 0.995, totalSteps: 8, updateEvery: 2, distribution: uniform() })],
    ['SET', () => set({ sparsity: 0.995, totalSteps: 8, updateEvery: 2, distribution: uniform() })],
    ['GSE', gse],
  ] as const)('%s on a 4096 × 4096 layer', async (_, strategy) => {
    const trainer = new SparseEngineTrainer(
      { inputs: WIDTH, layers: [{ units: WIDTH, activation: 'relu' }, { units: 4, activation: 'softmax' }] },
      { strategy: strategy(), optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy', products: typescriptProducts() },
    );
    await trainer.initialize();
    const x = tf.randomUniform([BATCH, WIDTH], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4), 'float32'));
    await trainer.step(x, y); // step 0 (warm-up: the optimizer makes its slots)
    const before = trainer.masks()[0]!;
    let updated = false;
    const sizes = await recordAllocationsAsync(async () => {
      updated = (await trainer.step(x, y)).maskUpdated; // not an update
      updated = (await trainer.step(x, y)).maskUpdated; // step 2: an update
    });
    expect(updated).toBe(true);
    expect(trainer.masks()[0]!.some((v, p) => v !== before[p])).toBe(true);
    expect(sizes.length).toBeGreaterThan(10);
    const largest = Math.max(...sizes);
    expect(largest).toBeLessThan(DENSE / 4);
    expect(largest).toBeLessThanOrEqual(Math.max(GRADIENT_TILE_FLOATS, BATCH * WIDTH, 4 * trainer.layers[0]!.nnz));
    tf.dispose([x, y]);
    trainer.dispose();
  }, 120_000);
});
