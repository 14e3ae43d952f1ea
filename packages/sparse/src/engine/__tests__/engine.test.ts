import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { custom, magnitudePruning, nmRigl, rigl, set, snfs, snip } from '@topiary/algorithms';
import { isUpdateStep } from '@topiary/core';
import { magnitudeDrop } from '@topiary/drop';
import { gseGrow, momentumGrow, normalInit, randomGrow } from '@topiary/grow';
import type { SparseStrategy } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { SparseEngineTrainer } from '../sparse-engine-trainer.js';
import type { SparseMlpSpec } from '../network-spec.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const spec: SparseMlpSpec = { inputs: 16, layers: [{ units: 48, activation: 'relu' }, { units: 32, activation: 'relu' }, { units: 4, activation: 'softmax' }] };
const batches = syntheticBatches({ count: 60, batchSize: 16 });

function engine(strategy: SparseStrategy, source: SparseMlpSpec | tfl.LayersModel = spec, optimizer: tf.Optimizer = tf.train.momentum(0.05, 0.9)): SparseEngineTrainer {
  return new SparseEngineTrainer(source, { strategy, optimizer, loss: 'categoricalCrossentropy', seed: 3, products: typescriptProducts() });
}

async function train(trainer: SparseEngineTrainer, count = batches.length): Promise<number[]> {
  const losses: number[] = [];
  for (const batch of batches.slice(0, count)) {
    const { x, y } = toTensors(batch);
    losses.push((await trainer.step(x, y)).loss);
    tf.dispose([x, y]);
  }
  return losses;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

const gse = (sparsity: number, totalSteps: number): SparseStrategy => {
  const base = rigl({ sparsity, totalSteps, updateEvery: 10 });
  return { ...base, name: 'gse', update: { ...base.update!, grow: gseGrow() } };
};

describe('SparseEngineTrainer on a described MLP', () => {
  it.each([
    ['rigl', rigl({ sparsity: 0.8, totalSteps: 60, updateEvery: 10 })],
    ['set', set({ sparsity: 0.8, totalSteps: 60, updateEvery: 10 })],
    ['gse', gse(0.8, 60)],
  ] as const)('%s trains: loss falls, every layer keeps its budget through the updates, masks move', async (_, strategy) => {
    const trainer = engine(strategy);
    await trainer.initialize();
    const before = trainer.masks();
    const budgets = trainer.summary().layers.map((l) => l.active);
    expect(trainer.summary().sparsity).toBeCloseTo(0.8, 2);
    const losses = await train(trainer);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) * 0.7);
    expect(trainer.summary().layers.map((l) => l.active)).toEqual(budgets);
    const scheduled = batches.filter((_, step) => isUpdateStep(strategy.update!.schedule, step)).length;
    expect(scheduled).toBeGreaterThanOrEqual(4);
    expect(trainer.health().scheduledUpdates).toBe(scheduled);
    const after = trainer.masks();
    expect(after.some((m, i) => m.some((v, j) => v !== before[i]![j]))).toBe(true);
    expect(trainer.summary().explorationRate).toBeGreaterThan(1 - trainer.summary().sparsity);
    trainer.dispose();
  });

  it('gradual pruning from a dense start ends at the target sparsity, the values variable shrinking with the mask', async () => {
    const trainer = engine(magnitudePruning({ sparsity: 0.9, totalSteps: 60, updateEvery: 10 }));
    await trainer.initialize();
    expect(trainer.summary().sparsity).toBe(0);
    await train(trainer);
    expect(trainer.summary().sparsity).toBeCloseTo(0.9, 2);
    for (const layer of trainer.layers) expect(layer.values.shape).toEqual([layer.nnz]);
    trainer.dispose();
  });

  it('keeps the optimizer state for the nonzeros only: zero for new connections after an update, carried for kept ones', async () => {
    const optimizer = tf.train.momentum(0.05, 0.9);
    const trainer = engine(set({ sparsity: 0.8, totalSteps: 60, updateEvery: 10 }), spec, optimizer);
    await train(trainer, 10); // steps 0…9; step 10 updates the masks after its optimizer step
    const before = trainer.layers[0]!.structure.toMask();
    const { x, y } = toTensors(batches[10]!);
    expect((await trainer.step(x, y)).maskUpdated).toBe(true);
    tf.dispose([x, y]);
    const layer = trainer.layers[0]!;
    const slots = await optimizer.getWeights();
    const slot = slots.find((w) => w.name === `${layer.values.name}/momentum`)!;
    expect(slot.tensor.shape).toEqual([layer.nnz]);
    const state = (await slot.tensor.data()) as Float32Array;
    const { rowPointers, columnIndices, outputs } = layer.structure;
    let fresh = 0;
    let keptNonZero = 0;
    for (let i = 0; i < layer.structure.inputs; i++) {
      for (let k = rowPointers[i]!; k < rowPointers[i + 1]!; k++) {
        if (before[i * outputs + columnIndices[k]!] === 0) {
          fresh++;
          expect(state[k]).toBe(0);
        } else if (state[k] !== 0) keptNonZero++;
      }
    }
    expect(fresh).toBeGreaterThan(0);
    expect(keptNonZero).toBeGreaterThan((layer.nnz - fresh) / 2);
    tf.dispose(slots.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
    trainer.dispose();
  });

  it('predict equals the exported tfjs model, whose dense kernels hold zeros where nothing is stored', async () => {
    const trainer = engine(rigl({ sparsity: 0.8, totalSteps: 60, updateEvery: 10 }));
    await train(trainer, 20);
    const model = await trainer.toLayersModel();
    const { x } = toTensors(batches[0]!);
    const a = (await trainer.predict(x).data()) as Float32Array;
    const b = (await (model.predict(x) as tf.Tensor).data()) as Float32Array;
    for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - b[j]!)).toBeLessThan(1e-6);
    const kernel = (await model.layers[0]!.getWeights()[0]!.data()) as Float32Array;
    const mask = trainer.masks()[0]!;
    for (let p = 0; p < kernel.length; p++) if (mask[p] === 0) expect(kernel[p]).toBe(0);
    tf.dispose(x);
    model.dispose();
    trainer.dispose();
  });

  it('holds the same number of tensors after each step and each update (nothing leaks)', async () => {
    const trainer = engine(rigl({ sparsity: 0.8, totalSteps: 60, updateEvery: 5 }));
    await train(trainer, 3);
    const counts: number[] = [];
    for (const batch of batches.slice(3, 23)) {
      const { x, y } = toTensors(batch);
      await trainer.step(x, y);
      tf.dispose([x, y]);
      counts.push(tf.memory().numTensors);
    }
    expect(trainer.health().scheduledUpdates).toBeGreaterThanOrEqual(4);
    expect(new Set(counts).size).toBe(1);
    trainer.dispose();
  });

  it('the same seed gives the same run', async () => {
    const losses = async () => {
      const trainer = engine(set({ sparsity: 0.8, totalSteps: 60, updateEvery: 10 }));
      const l = await train(trainer, 25);
      const masks = trainer.masks();
      trainer.dispose();
      return { l, masks };
    };
    expect(await losses()).toEqual(await losses());
  });
});

describe('SparseEngineTrainer refuses what it cannot hold, before anything is built', () => {
  it.each([
    ['SNFS (momentum redistribution)', () => snfs({ sparsity: 0.8, totalSteps: 60 }), /redistribution 'momentum'.*dense momentum/],
    ['momentum growth', () => custom({ sparsity: 0.8, totalSteps: 60, update: { drop: magnitudeDrop(), grow: momentumGrow(), dropFraction: { kind: 'constant', value: 0.3 } } }), /needs a dense momentum.*'gradient' \(RigL\), 'gse' \(GSE\) or 'random' \(SET\)/],
    ['global scope', () => magnitudePruning({ sparsity: 0.8, totalSteps: 60, updateEvery: 10, scope: 'global' }), /scope 'global'.*scope 'layer'/],
    ['N:M', () => nmRigl({ totalSteps: 60 }), /granularity 'n:m'/],
    ['a grown-weight initialiser other than zeros', () => custom({ sparsity: 0.8, totalSteps: 60, update: { drop: magnitudeDrop(), grow: randomGrow(), growInit: normalInit({ std: 0.1 }), dropFraction: { kind: 'constant', value: 0.3 } } }), /growInit 'normal'.*zeros/],
    ['SNIP on a described network', () => snip({ sparsity: 0.8, totalSteps: 60 }), /init 'scored'.*build the engine from a tfjs model/],
  ] as const)('%s', (_, strategy, message) => {
    expect(() => engine(strategy())).toThrow(message);
  });

  it('a convolution, naming the layer', () => {
    const model = tfl.sequential({ layers: [tfl.layers.conv2d({ name: 'conv', inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }), tfl.layers.flatten(), tfl.layers.dense({ units: 4 })] });
    const trainer = engine(rigl({ sparsity: 0.8, totalSteps: 60 }), model);
    return expect(trainer.initialize()).rejects.toThrow(/layer conv is a Conv2D; the sparse engine holds sequential stacks of Dense layers/).finally(() => model.dispose());
  });

  it('a bad network description, naming the field', () => {
    expect(() => engine(rigl({ sparsity: 0.8, totalSteps: 60 }), { inputs: 16, layers: [{ units: 0 }] })).toThrow(/network\.layers\[0\]\.units/);
    expect(() => engine(rigl({ sparsity: 0.8, totalSteps: 60 }), { inputs: 16, layers: [{ units: 4, activation: 'gelu' as 'relu' }] })).toThrow(/network\.layers\[0\]\.activation.*relu/);
  });

  it('SNIP from a tfjs model scores it once and trains sparse', async () => {
    const model = tinyMlp({ seed: 2 });
    const trainer = engine(snip({ sparsity: 0.8, totalSteps: 60 }), model);
    const losses = await train(trainer, 30);
    expect(trainer.summary().sparsity).toBeCloseTo(0.8, 2);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)));
    trainer.dispose();
    model.dispose();
  });
});
