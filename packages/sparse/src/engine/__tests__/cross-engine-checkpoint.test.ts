// Checkpoints move between the engines: a run of the masked engine (core's SparseTrainer) checkpointed after k
// steps continues on the sparse engine, and the other way round, as the first engine continues on the same
// batches: the same masks after every update and weights within relative 1e-5 (the engines sum the products in
// different orders), on the cpu backend with momentum SGD and weight decay, RigL and SET with mask updates.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { rigl, set, snfs } from '@topiary/algorithms';
import { decodeCheckpoint, encodeCheckpoint, SparseTrainer, type Checkpoint, type SparseStrategy } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { SparseEngineTrainer } from '../sparse-engine-trainer.js';
import { deviation, sameMasks } from './equality-fixtures.js';

const NET = { inputs: 64, hidden: [48, 24], classes: 10 };
const STEPS = 60;
const EVERY = 10;
const batches = syntheticBatches({ count: STEPS, batchSize: 8, inputs: NET.inputs, classes: NET.classes, seed: 4 });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Trainer = SparseTrainer | SparseEngineTrainer;
const model = (hidden = NET.hidden) => tinyMlp({ ...NET, hidden, seed: 5 });
const masked = (strategy: SparseStrategy, optimizer: tf.Optimizer = tf.train.momentum(0.05, 0.9), hidden = NET.hidden) =>
  new SparseTrainer(model(hidden), { strategy, optimizer, loss: 'categoricalCrossentropy', seed: 3, weightDecay: 1e-4, onWarning: () => undefined });
const sparse = (strategy: SparseStrategy, optimizer: tf.Optimizer = tf.train.momentum(0.05, 0.9), hidden = NET.hidden) =>
  new SparseEngineTrainer(model(hidden), { strategy, optimizer, loss: 'categoricalCrossentropy', seed: 3, weightDecay: 1e-4, products: typescriptProducts(), randomGrowth: 'masked-order' });

async function step(trainer: Trainer, i: number): Promise<boolean> {
  const { x, y } = toTensors(batches[i]!, NET.inputs, NET.classes);
  const result = await trainer.step(x, y);
  tf.dispose([x, y]);
  return result.maskUpdated;
}

/** Each layer's kernel and bias, dense. */
async function weights(trainer: Trainer): Promise<Float32Array[]> {
  if (trainer instanceof SparseTrainer) return Promise.all(trainer.model.weights.map(async (w) => (await w.read().data()) as Float32Array));
  const kernels = await trainer.kernels();
  const out: Float32Array[] = [];
  for (const [i, layer] of trainer.layers.entries()) {
    out.push(kernels[i]!.toDense());
    if (layer.bias) out.push((await layer.bias.data()) as Float32Array);
  }
  return out;
}

/** Each layer's optimizer slot, dense (the masked engine's slots at inactive positions are not compared). */
async function slots(trainer: Trainer): Promise<Float32Array[]> {
  const held = await trainer.optimizer.getWeights();
  const values = await Promise.all(held.filter((w) => w.name !== 'iter').map(async (w) => (await w.tensor.data()) as Float32Array));
  tf.dispose(held.filter(({ tensor }) => !(tensor instanceof tf.Variable)).map(({ tensor }) => tensor));
  if (trainer instanceof SparseTrainer) {
    const masks = trainer.masks();
    return values.map((v, j) => (j % 2 === 0 ? v.map((s, p) => (masks[j / 2]![p] === 1 ? s : 0)) : v));
  }
  return values.map((v, j) => {
    if (j % 2 === 1) return v;
    const layer = trainer.layers[j / 2]!;
    return layer.structure.withValues(v).toDense();
  });
}

function disposeAll(...trainers: Trainer[]): void {
  for (const t of trainers) {
    t.dispose();
    if (t instanceof SparseTrainer) t.model.dispose();
    t.optimizer.dispose();
  }
}

const cases: [string, number, () => SparseStrategy][] = [
  ['RigL', 25, () => rigl({ sparsity: 0.9, totalSteps: STEPS, updateEvery: EVERY })],
  ['RigL', 30, () => rigl({ sparsity: 0.9, totalSteps: STEPS, updateEvery: EVERY })],
  ['SET', 20, () => set({ sparsity: 0.9, totalSteps: STEPS, updateEvery: EVERY })],
  ['SET', 34, () => set({ sparsity: 0.9, totalSteps: STEPS, updateEvery: EVERY })],
];

describe('checkpoints move between the masked and the sparse engine', () => {
  for (const direction of ['masked → sparse', 'sparse → masked'] as const) {
    it.each(cases)(`${direction}: %s checkpointed after step %i continues as the first engine`, async (_, k, strategy) => {
      const first = direction === 'masked → sparse' ? masked(strategy()) : sparse(strategy());
      const second = direction === 'masked → sparse' ? sparse(strategy()) : masked(strategy());
      try {
        for (let i = 0; i < k; i++) await step(first, i);
        const checkpoint = decodeCheckpoint(encodeCheckpoint(await first.saveCheckpoint()));
        expect(checkpoint.manifest.version).toBe(direction === 'masked → sparse' ? 2 : 3);
        await second.loadCheckpoint(checkpoint);
        // loading is a copy: the state is exactly the first engine's
        expect(second.stepCount).toBe(k);
        expect(sameMasks(second.masks(), first.masks())).toBe(true);
        expect(await weights(second)).toEqual(await weights(first));
        expect(await slots(second)).toEqual(await slots(first));
        expect(second.summary().explorationRate).toBe(first.summary().explorationRate);
        expect(second.flops()).toEqual(first.flops());
        let updates = 0;
        for (let i = k; i < STEPS; i++) {
          const a = await step(first, i);
          const b = await step(second, i);
          expect(b, `step ${i}`).toBe(a);
          if (a) {
            updates++;
            expect(sameMasks(second.masks(), first.masks()), `masks after the update at step ${i}`).toBe(true);
          }
        }
        expect(updates).toBeGreaterThanOrEqual(2);
        const [wa, wb] = await Promise.all([weights(first), weights(second)]);
        const worst = Math.max(...wa.map((w, i) => deviation(wb[i]!, w)));
        expect(worst).toBeLessThanOrEqual(1e-5);
        expect(second.summary().explorationRate).toBe(first.summary().explorationRate);
        expect(second.stepCount).toBe(first.stepCount);
      } finally {
        disposeAll(first, second);
      }
    }, 120_000);
  }

  it('refuses checkpoints of another shape, another optimizer or without the momentum a strategy needs, changing nothing', async () => {
    const strategy = () => rigl({ sparsity: 0.9, totalSteps: STEPS, updateEvery: EVERY });
    const fromMasked = masked(strategy());
    const fromSparse = sparse(strategy());
    const targets = [sparse(strategy(), undefined, [40, 24]), masked(strategy(), undefined, [40, 24]), sparse(strategy(), tf.train.adam(0.01)), masked(strategy(), tf.train.adam(0.01))];
    const needsMomentum = new SparseTrainer(model(), { strategy: snfs({ sparsity: 0.9, totalSteps: STEPS }), optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy' });
    try {
      for (let i = 0; i < 4; i++) await Promise.all([step(fromMasked, i), step(fromSparse, i)]);
      for (const t of targets) await step(t, 0);
      const m: Checkpoint = await fromMasked.saveCheckpoint();
      const s: Checkpoint = await fromSparse.saveCheckpoint();
      const before = await Promise.all(targets.map(weights));
      const shape = /masked layer 0 \(.*\) has shape \[64,48\] but the model's masked layer 0 \(.*\) has shape \[64,40\]/;
      await expect(targets[0]!.loadCheckpoint(m)).rejects.toThrow(shape);
      await expect(targets[1]!.loadCheckpoint(s)).rejects.toThrow(shape);
      const kind = /optimizer is Momentum \(slots momentum\) but this trainer's optimizer is Adam \(slots m, v\)/;
      await expect(targets[2]!.loadCheckpoint(m)).rejects.toThrow(kind);
      await expect(targets[3]!.loadCheckpoint(s)).rejects.toThrow(kind);
      await expect(needsMomentum.loadCheckpoint(s)).rejects.toThrow(/no dense-gradient momentum, which this strategy needs/);
      expect(await Promise.all(targets.map(weights))).toEqual(before);
      expect(targets.map((t) => t.stepCount)).toEqual([1, 1, 1, 1]);
    } finally {
      disposeAll(fromMasked, fromSparse, needsMomentum, ...targets);
    }
  }, 60_000);
});
