// The compact export of a trained sparse-engine network: core's sparse model written from the CSR layers, loaded by
// core's loadSparseModel into a tfjs model that predicts as the engine and holds the engine's weights bit for bit;
// no buffer of a dense kernel's size is made for a 4096 × 4096 layer at 99.5% sparsity.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { rigl, set } from '@topiary/algorithms';
import { decodeSparseModel, encodeSparseModel, loadSparseModel } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { uniform } from '@topiary/distributions';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordAllocationsAsync } from '../../__tests__/allocations.js';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { exportSparseEngineModel } from '../engine-export.js';
import { SparseEngineTrainer } from '../sparse-engine-trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const batches = syntheticBatches({ count: 12, batchSize: 8 });

describe('exportSparseEngineModel', () => {
  it.each([
    ['a model, RigL at 90%', 0.9, 'model', 'delta-varint'],
    ['a description, SET at 50%', 0.5, 'spec', 'bitmap'],
  ] as const)('from %s: loads into a tfjs model predicting as the engine, weights bit for bit', async (_, sparsity, source, encoding) => {
    const model = tinyMlp({ seed: 2 });
    const strategy = source === 'model' ? rigl({ sparsity, totalSteps: 12, updateEvery: 4, distribution: uniform() }) : set({ sparsity, totalSteps: 12, updateEvery: 4, distribution: uniform() });
    const network = { inputs: 16, layers: [{ units: 48, activation: 'relu' as const }, { units: 32, activation: 'tanh' as const, useBias: false }, { units: 4, activation: 'softmax' as const }] };
    const trainer = new SparseEngineTrainer(source === 'model' ? model : network, { strategy, optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', products: typescriptProducts() });
    try {
      await expect(exportSparseEngineModel(trainer)).rejects.toThrow(/layers: the sparse layers are built at the first step/);
      for (const batch of batches) {
        const { x, y } = toTensors(batch);
        await trainer.step(x, y);
        tf.dispose([x, y]);
      }
      const artifact = await exportSparseEngineModel(trainer);
      const kernels = artifact.manifest.weights.filter((w) => w.name.endsWith('/kernel'));
      expect(kernels.map((w) => w.encoding)).toEqual(trainer.layers.map(() => encoding));
      expect(kernels.map((w) => w.shape)).toEqual(trainer.layers.map((l) => [l.shape.fanIn, l.shape.fanOut]));
      const loaded = await loadSparseModel(decodeSparseModel(encodeSparseModel(artifact)));
      const reference = await trainer.toLayersModel();
      try {
        const weights = await Promise.all(loaded.weights.map(async (w) => Array.from((await w.read().data()) as Float32Array)));
        expect(weights).toEqual(await Promise.all(reference.weights.map(async (w) => Array.from((await w.read().data()) as Float32Array))));
        const { x } = toTensors(batches[0]!);
        const [a, b] = tf.tidy(() => [loaded.predict(x) as tf.Tensor, trainer.predict(x)]);
        const [pa, pb] = [(await a!.data()) as Float32Array, (await b!.data()) as Float32Array];
        expect(pa.length).toBe(32);
        pa.forEach((v, i) => expect(Math.abs(v - pb[i]!), `output ${i}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(pb[i]!))));
        tf.dispose([x, a!, b!]);
      } finally {
        loaded.dispose();
        reference.dispose();
      }
    } finally {
      trainer.dispose();
      model.dispose();
    }
  }, 60_000);

  it('writes a 4096 × 4096 layer at 99.5% sparsity without a buffer of the dense kernel\'s size, under 6 bytes per nonzero', async () => {
    const width = 4096;
    const trainer = new SparseEngineTrainer(
      { inputs: width, layers: [{ units: width, activation: 'relu' }, { units: 4, activation: 'softmax' }] },
      { strategy: rigl({ sparsity: 0.995, totalSteps: 8, updateEvery: 2, distribution: uniform() }), optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', products: typescriptProducts() },
    );
    try {
      await trainer.initialize();
      let bytes = 0;
      const sizes = await recordAllocationsAsync(async () => {
        bytes = encodeSparseModel(await exportSparseEngineModel(trainer)).byteLength;
      });
      const nnz = trainer.layers.reduce((s, l) => s + l.nnz, 0);
      expect(Math.max(...sizes)).toBeLessThan((width * width) / 4);
      expect(bytes).toBeLessThan(6 * nnz + 4 * 8 * width);
    } finally {
      trainer.dispose();
    }
  }, 60_000);

  it('refuses a layer of more than 2^32 − 1 positions, naming it', async () => {
    const trainer = new SparseEngineTrainer(
      { inputs: 70_000, layers: [{ units: 70_000, activation: 'relu' }, { units: 2, activation: 'softmax' }] },
      { strategy: set({ sparsity: 0.9999999, totalSteps: 8, distribution: uniform() }), optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy', products: typescriptProducts() },
    );
    try {
      await trainer.initialize();
      await expect(exportSparseEngineModel(trainer)).rejects.toThrow(/weight dense_1\/kernel of shape \[70000,70000\] has 4900000000 positions; a sparse model holds weights of at most 2\^32 − 1 positions/);
    } finally {
      trainer.dispose();
    }
  });
});
