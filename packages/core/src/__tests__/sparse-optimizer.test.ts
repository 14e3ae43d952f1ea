import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { sparseOptimizer } from '../sparse-optimizer.js';
import { referenceStrategies, syntheticBatches, tinyMlp, type HostBatch } from '../testing/index.js';
import { SparseTrainer, type SparseTrainerOptions } from '../trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const context = { totalSteps: 12, updateEvery: 3, sparsity: 0.8 };
const BATCH = 16;

/** The batches as one x and one y, in order, so that `fit` with `batchSize: BATCH, shuffle: false` takes them one by one. */
function concatenated(batches: HostBatch[]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = new Float32Array(batches.length * BATCH * 16);
  const y = new Float32Array(batches.length * BATCH * 4);
  batches.forEach((b, i) => {
    x.set(b.x, i * BATCH * 16);
    y.set(b.y, i * BATCH * 4);
  });
  return { x: tf.tensor2d(x, [batches.length * BATCH, 16]), y: tf.tensor2d(y, [batches.length * BATCH, 4]) };
}

type Options = Omit<SparseTrainerOptions, 'strategy' | 'optimizer' | 'loss'>;

interface Outcome {
  weights: Float32Array[];
  masks: Uint8Array[];
  steps: number;
  flops: ReturnType<SparseTrainer['flops']>;
  skipped: number;
}

async function outcome(trainer: SparseTrainer): Promise<Outcome> {
  const weights = await Promise.all(trainer.model.weights.map(async (w) => (await w.read().data()) as Float32Array));
  const result = { weights, masks: trainer.masks(), steps: trainer.stepCount, flops: trainer.flops(), skipped: trainer.health().skippedSteps };
  trainer.dispose();
  return result;
}

function trainerFor(name: string, optimizer: tf.Optimizer, options: Options): SparseTrainer {
  return new SparseTrainer(tinyMlp({ seed: 3 }), { strategy: referenceStrategies[name]!.create(context), optimizer, loss: 'categoricalCrossentropy', seed: 5, onWarning: () => undefined, ...options });
}

async function withStep(name: string, optimizer: tf.Optimizer, batches: HostBatch[], options: Options = {}): Promise<Outcome> {
  const trainer = trainerFor(name, optimizer, options);
  for (const batch of batches) {
    const x = tf.tensor2d(batch.x, [BATCH, 16]);
    const y = tf.tensor2d(batch.y, [BATCH, 4]);
    await trainer.step(x, y);
    tf.dispose([x, y]);
  }
  return outcome(trainer);
}

async function withFit(name: string, optimizer: tf.Optimizer, batches: HostBatch[], options: Options = {}): Promise<Outcome> {
  const trainer = trainerFor(name, optimizer, options);
  const sparse = sparseOptimizer(trainer);
  trainer.model.compile({ optimizer: sparse, loss: sparse.loss });
  const { x, y } = concatenated(batches);
  await trainer.model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0, callbacks: [sparse.callback()] });
  tf.dispose([x, y]);
  return outcome(trainer);
}

const cases: [string, () => tf.Optimizer, Options][] = [
  ['gradient growth (RigL-like)', () => tf.train.momentum(0.05, 0.9), { weightDecay: 1e-3 }],
  ['random growth (SET-like)', () => tf.train.adam(0.01), {}],
  ['momentum growth with redistribution (SNFS-like)', () => tf.train.momentum(0.05, 0.9, true), { weightDecay: 1e-3 }],
];

describe('sparseOptimizer: model.fit with the semantics of SparseTrainer.step', () => {
  const batches = syntheticBatches({ count: 10, batchSize: BATCH, seed: 11 });

  it.each(cases)('%s: fit and step end with bit-identical weights, masks, step count and FLOPs across mask updates', async (name, optimizer, options) => {
    const stepped = await withStep(name, optimizer(), batches, options);
    const fitted = await withFit(name, optimizer(), batches, options);
    expect(fitted.steps).toBe(10);
    expect(fitted.masks).toEqual(stepped.masks);
    fitted.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(stepped.weights[i]!.buffer))).toBe(true));
    expect(fitted.flops).toEqual(stepped.flops);
    // the masks really moved (updates at steps 0, 3, 6), so the comparison spans mask updates
    const initial = trainerFor(name, optimizer(), options);
    await initial.initialize();
    expect(initial.masks()).not.toEqual(stepped.masks);
    initial.dispose();
  });

  it('depends on the gradient masking: the same fit with masking disabled ends with different weights', async () => {
    const name = 'random growth (SET-like)';
    const stepped = await withStep(name, tf.train.adam(0.01), batches);
    const trainer = trainerFor(name, tf.train.adam(0.01), {});
    await trainer.initialize();
    // every mask tensor the step multiplies gradients by becomes all ones (the masks themselves stay)
    const state = (trainer as unknown as { state: { maskTensor(i: number): tf.Tensor } }).state;
    const maskTensor = state.maskTensor.bind(state);
    state.maskTensor = (i) => tf.onesLike(maskTensor(i));
    const sparse = sparseOptimizer(trainer);
    trainer.model.compile({ optimizer: sparse, loss: sparse.loss });
    const { x, y } = concatenated(batches);
    await trainer.model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0, callbacks: [sparse.callback()] });
    tf.dispose([x, y]);
    const fitted = await outcome(trainer);
    expect(fitted.steps).toBe(10);
    expect(fitted.weights.some((w, i) => !Buffer.from(w.buffer).equals(Buffer.from(stepped.weights[i]!.buffer)))).toBe(true);
  });

  it('sends the same step and mask-update events as step (times aside)', async () => {
    const name = 'gradient growth (RigL-like)';
    // the two models' layers have different names: compare everything else
    const unnamed = (layers: unknown) => (Array.isArray(layers) ? layers.map((l: object) => ({ ...l, name: '', layerName: '' })) : layers);
    const record = (events: object[]) => (event: object) => events.push({ ...event, timeMs: 0, layers: unnamed((event as { layers?: unknown }).layers) });
    const fromStep: object[] = [];
    const fromFit: object[] = [];
    await withStep(name, tf.train.momentum(0.05, 0.9), batches.slice(0, 5), { onEvent: record(fromStep) });
    await withFit(name, tf.train.momentum(0.05, 0.9), batches.slice(0, 5), { onEvent: record(fromFit) });
    expect(fromFit.filter((e) => (e as { type: string }).type === 'mask-update').length).toBeGreaterThan(0);
    expect(fromFit).toEqual(fromStep);
  });

  it('works with fitDataset too, bit-identical to step', async () => {
    const name = 'momentum growth with redistribution (SNFS-like)';
    const stepped = await withStep(name, tf.train.momentum(0.05, 0.9), batches);
    const trainer = trainerFor(name, tf.train.momentum(0.05, 0.9), {});
    const sparse = sparseOptimizer(trainer);
    trainer.model.compile({ optimizer: sparse, loss: sparse.loss });
    // a minimal tf.data-like dataset: what fitDataset uses of one is iterator()
    const dataset = {
      size: batches.length,
      iterator: async () => {
        let i = 0;
        return {
          next: async () => {
            const batch = batches[i++];
            return batch === undefined ? { done: true, value: null } : { done: false, value: { xs: tf.tensor2d(batch.x, [BATCH, 16]), ys: tf.tensor2d(batch.y, [BATCH, 4]) } };
          },
        };
      },
    };
    await trainer.model.fitDataset(dataset as unknown as Parameters<typeof trainer.model.fitDataset>[0], { epochs: 1, verbose: 0, callbacks: [sparse.callback()] });
    const fitted = await outcome(trainer);
    expect(fitted.steps).toBe(10);
    expect(fitted.masks).toEqual(stepped.masks);
    fitted.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(stepped.weights[i]!.buffer))).toBe(true));
    expect(fitted.flops).toEqual(stepped.flops);
  });

  it('skips a non-finite batch exactly as step does', async () => {
    const bad = syntheticBatches({ count: 1, batchSize: BATCH, seed: 12 })[0]!;
    const poisoned: HostBatch = { ...bad, x: bad.x.map((v, i) => (i === 5 ? Number.NaN : v)) };
    const withBad = [...batches.slice(0, 4), poisoned, ...batches.slice(4)];
    const name = 'gradient growth (RigL-like)';
    const stepped = await withStep(name, tf.train.momentum(0.05, 0.9), withBad);
    const fitted = await withFit(name, tf.train.momentum(0.05, 0.9), withBad);
    expect(fitted.skipped).toBe(1);
    expect(fitted.steps).toBe(10);
    expect(fitted.masks).toEqual(stepped.masks);
    fitted.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(stepped.weights[i]!.buffer))).toBe(true));
  });

  it('leaves tf.memory().numTensors where it found it once the optimizer slots exist', async () => {
    const trainer = trainerFor('momentum growth with redistribution (SNFS-like)', tf.train.momentum(0.05, 0.9), {});
    const sparse = sparseOptimizer(trainer);
    trainer.model.compile({ optimizer: sparse, loss: sparse.loss });
    const { x, y } = concatenated(batches.slice(0, 4));
    const fit = (): Promise<unknown> => trainer.model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0, callbacks: [sparse.callback()] });
    await fit();
    const before = tf.memory().numTensors;
    await fit();
    expect(tf.memory().numTensors).toBe(before);
    expect(trainer.stepCount).toBe(8);
    tf.dispose([x, y]);
    sparse.dispose();
    trainer.dispose();
  });

  it('refuses misuse with errors that say what to do', async () => {
    expect(() => sparseOptimizer({} as SparseTrainer)).toThrow(/trainer/);
    const { x, y } = concatenated(batches.slice(0, 2));
    const fitOptions = { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 };

    // no callback and no masks yet
    const trainer = trainerFor('gradient growth (RigL-like)', tf.train.sgd(0.1), {});
    const sparse = sparseOptimizer(trainer);
    trainer.model.compile({ optimizer: sparse, loss: sparse.loss });
    await expect(trainer.model.fit(x, y, fitOptions)).rejects.toThrow(/masks are not chosen yet; pass its callback\(\)/);
    // no callback: the first step is never finished
    await trainer.initialize();
    await expect(trainer.model.fit(x, y, fitOptions)).rejects.toThrow(/step 0 was not finished before the next batch; pass sparse.callback\(\)/);
    expect(trainer.stepCount).toBe(0);

    // another model compiled with the wrapper, with and without its callback
    const other = tinyMlp({ seed: 3 });
    other.compile({ optimizer: sparse, loss: sparse.loss });
    await expect(other.fit(x, y, { ...fitOptions, callbacks: [sparse.callback()] })).rejects.toThrow(/gradients are for \[.*\] but the trainer's model trains \[.*\].*compile the trainer's model/);
    await expect(other.fit(x, y, fitOptions)).rejects.toThrow(/gradients are for \[.*\] but the trainer's model trains \[.*\].*compile the trainer's model/);
    // the callback with the trainer's model compiled with another optimizer
    const plain = trainerFor('gradient growth (RigL-like)', tf.train.sgd(0.1), {});
    const unused = sparseOptimizer(plain);
    plain.model.compile({ optimizer: plain.optimizer, loss: plain.lossFunction });
    await expect(plain.model.fit(x, y, { ...fitOptions, callbacks: [unused.callback()] })).rejects.toThrow(/the trainer's model is not compiled with this optimizer/);

    // a strategy that scores the first batch
    const snip = trainerFor('saliency init (SNIP-like)', tf.train.sgd(0.1), {});
    const snipSparse = sparseOptimizer(snip);
    snip.model.compile({ optimizer: snipSparse, loss: snipSparse.loss });
    await expect(snip.model.fit(x, y, { ...fitOptions, callbacks: [snipSparse.callback()] })).rejects.toThrow(/call await trainer.initialize\(x, y\) with that batch before model.fit/);

    sparse.dispose();
    expect(() => sparse.applyGradients({})).toThrow(/disposed/);
    tf.dispose([x, y]);
    [trainer, snip, plain].forEach((t) => t.dispose());
  });
});
