import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitCallback } from '../fit-callback.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { randomGrow } from '../testing/reference-strategies.js';
import { SparseTrainer, type TrainerWarning } from '../trainer.js';
import type { DropCriterion, SparseStrategy } from '../types.js';
import { testRigl } from './trainer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const strategy = (every = 2): SparseStrategy => testRigl(every);

/** A rank-based drop score like SET's sign rule: finite whatever the weights hold (NaN included). */
const rankDrop: DropCriterion = {
  kind: 'rank',
  score: ({ weight }) => tf.tidy(() => tf.reshape(tf.cast(tf.range(0, weight.size), 'float32'), weight.shape)),
};

const batches = syntheticBatches({ count: 8, batchSize: 16 });
const bits = (values: tf.TypedArray): number[] => Array.from(new Uint32Array(Float32Array.from(values as Float32Array).buffer));

async function state(trainer: SparseTrainer): Promise<unknown> {
  const slots = await trainer.optimizer.getWeights();
  const optimizer = await Promise.all(slots.map(async ({ name, tensor }) => [name.split('/').slice(1).join('/'), bits(await tensor.data())]));
  tf.dispose(slots.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
  const adam = trainer.optimizer as unknown as { accBeta1?: tf.Variable };
  const internals = trainer as unknown as { rng: { getState(): number[] }; momentum?: tf.Variable[] };
  return {
    step: trainer.stepCount,
    weights: await Promise.all(trainer.model.weights.map(async (w) => bits(await w.read().data()))),
    masks: trainer.masks(),
    optimizer,
    iterations: trainer.optimizer.iterations,
    accBeta1: adam.accBeta1 ? bits(await adam.accBeta1.data()) : undefined,
    rng: internals.rng.getState(),
    momentum: internals.momentum ? await Promise.all(internals.momentum.map(async (m) => bits(await m.data()))) : undefined,
    flops: trainer.flops(),
  };
}

const poisoned = (value: number, where: 'x' | 'y') => {
  const batch = batches[0]!;
  const xs = batch.x.slice();
  const ys = batch.y.slice();
  (where === 'x' ? xs : ys)[5] = value;
  return toTensors({ x: xs, y: ys, size: batch.size });
};

describe('non-finite batches', () => {
  it('skip: a NaN or ±Inf batch changes nothing (weights, Adam state and iterations, masks, generator, step, FLOPs), is counted and warned once with its step', async () => {
    const warnings: TrainerWarning[] = [];
    const trainer = new SparseTrainer(tinyMlp(), { strategy: strategy(), optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', onWarning: (_, w) => warnings.push(w) });
    for (let i = 0; i < 3; i++) {
      const { x, y } = toTensors(batches[i]!);
      await trainer.step(x, y);
      tf.dispose([x, y]);
    }
    const before = await state(trainer);
    const tensors = tf.memory().numTensors;
    for (const [value, where] of [[NaN, 'x'], [Infinity, 'x'], [-Infinity, 'y']] as const) {
      const bad = poisoned(value, where);
      // step 3 is not an update step (updates at 2, 4, …); the update at step 4 stays pending
      const result = await trainer.step(bad.x, bad.y);
      tf.dispose([bad.x, bad.y]);
      expect(result).toMatchObject({ step: 3, maskUpdated: false, skipped: true });
      expect(await state(trainer)).toEqual(before);
      expect(tf.memory().numTensors).toBe(tensors);
    }
    const health = trainer.health();
    expect(health.skippedSteps).toBe(3);
    expect(health.scheduledUpdates).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(health.warnings).toEqual([expect.objectContaining({ kind: 'non-finite-step', count: 3, firstStep: 3, lastStep: 3 })]);
    expect(warnings[0]!.message).toMatch(/step 3: the loss is NaN; the batch was skipped and nothing changed/);
    trainer.dispose();
  });

  it('skip: a finite loss with a non-finite gradient is skipped too', async () => {
    // d/dp sqrt(p − p) at 0 is ∞·0 = NaN while the loss itself is 0
    const loss = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar => tf.add(tf.losses.meanSquaredError(yTrue, yPred), tf.sum(tf.sqrt(tf.sub(yPred, yPred))));
    const warnings: string[] = [];
    const trainer = new SparseTrainer(tinyMlp(), { strategy: strategy(), optimizer: tf.train.momentum(0.1, 0.9), loss, onWarning: (m) => warnings.push(m) });
    const { x, y } = toTensors(batches[1]!);
    await trainer.initialize();
    const before = await state(trainer);
    const result = await trainer.step(x, y);
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(result.skipped).toBe(true);
    expect(await state(trainer)).toEqual(before);
    expect(warnings[0]).toMatch(/step 0: a gradient is not finite/);
    tf.dispose([x, y]);
    trainer.dispose();
  });

  it("throw: nonFinite 'throw' refuses the step with an Error naming it and changes nothing", async () => {
    const warnings: string[] = [];
    const trainer = new SparseTrainer(tinyMlp(), { strategy: strategy(), optimizer: tf.train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy', nonFinite: 'throw', onWarning: (m) => warnings.push(m) });
    const { x, y } = toTensors(batches[0]!);
    await trainer.step(x, y);
    const before = await state(trainer);
    const bad = poisoned(NaN, 'x');
    await expect(trainer.step(bad.x, bad.y)).rejects.toThrow(/step 1: the loss is NaN; the step was refused and nothing changed \(nonFinite: 'throw'/);
    expect(await state(trainer)).toEqual(before);
    expect(trainer.health().skippedSteps).toBe(1);
    expect(trainer.health().warnings[0]).toMatchObject({ kind: 'non-finite-step', firstStep: 1 });
    expect(warnings).toHaveLength(0);
    expect(() => new SparseTrainer(tinyMlp(), { strategy: strategy(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', nonFinite: 'ignore' as never })).toThrow(/nonFinite must be 'skip' or 'throw', got "ignore"/);
    tf.dispose([x, y, bad.x, bad.y]);
    trainer.dispose();
  });

  it('no criterion updates masks from non-finite weights (a rank score stays finite), and inactive weights stay exactly 0 even when the active ones are NaN', async () => {
    // model.fit has no finiteness check, so a NaN batch poisons the weights; the callback's update must not use them
    const model = tinyMlp();
    const optimizer = tf.train.sgd(0.1);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const warnings: TrainerWarning[] = [];
    const set: SparseStrategy = { ...strategy(1), update: { ...strategy(1).update!, drop: rankDrop, grow: randomGrow } };
    const trainer = new SparseTrainer(model, { strategy: set, optimizer, loss: 'categoricalCrossentropy', onWarning: (_, w) => warnings.push(w) });
    await trainer.initialize();
    const masks = trainer.masks();
    const bad = poisoned(NaN, 'x');
    // two batches of 8: step 0, then the update at step 1 (updates every step after begin)
    await model.fit(bad.x, bad.y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false, callbacks: [fitCallback(trainer, { batchSize: 8 })] });
    expect(trainer.masks()).toEqual(masks);
    expect(trainer.health()).toMatchObject({ scheduledUpdates: 1, skippedUpdates: 1 });
    expect(warnings[0]).toMatchObject({ kind: 'non-finite-update', firstStep: 1 });
    expect(warnings[0]!.message).toMatch(/step 1: weights of layer dense_Dense\d+ are not finite; this update was skipped/);
    const kernel = (await model.layers[0]!.getWeights()[0]!.data()) as Float32Array;
    let nan = 0;
    masks[0]!.forEach((m, j) => {
      if (m === 0) expect(Object.is(kernel[j], 0)).toBe(true);
      else if (Number.isNaN(kernel[j])) nan++;
    });
    expect(nan).toBeGreaterThan(0);
    tf.dispose([bad.x, bad.y]);
    trainer.dispose();
  });
});
