import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { magnitudePruning, rigl, set } from '@topiary/algorithms';
import type { LossName, SparseStrategy } from '@topiary/core';
import { syntheticBatches, toTensors, type HostBatch } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import type { SparseActivation } from '../activations.js';
import { fusedIneligibility, resolveStepPath } from '../fused-step.js';
import type { SparseMlpSpec } from '../network-spec.js';
import { SparseEngineTrainer, type SparseEngineOptions } from '../sparse-engine-trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const INPUTS = 16;
const CLASSES = 4;
const batches = syntheticBatches({ count: 120, batchSize: 16, inputs: INPUTS, classes: CLASSES, seed: 5 });

function mlp(hidden: SparseActivation, output: SparseActivation): SparseMlpSpec {
  return { inputs: INPUTS, layers: [{ units: 40, activation: hidden }, { units: 24, activation: hidden, useBias: false }, { units: CLASSES, activation: output }] };
}

function trainer(spec: SparseMlpSpec, strategy: SparseStrategy, step: 'fused' | 'graph', options: Partial<SparseEngineOptions> = {}): SparseEngineTrainer {
  return new SparseEngineTrainer(spec, { strategy, optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', seed: 3, weightDecay: 1e-3, products: typescriptProducts(), step, ...options });
}

/** Class labels [batch] from one-hot targets, for sparseCategoricalCrossentropy. */
function labelsOf(batch: HostBatch): tf.Tensor {
  const labels = new Float32Array(batch.size);
  for (let b = 0; b < batch.size; b++) labels[b] = batch.y.subarray(b * CLASSES, (b + 1) * CLASSES).indexOf(1);
  return tf.tensor1d(labels);
}

/** Every layer's kernel (dense, zeros where nothing is stored) and bias, in order. */
async function weightsOf(t: SparseEngineTrainer): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  const kernels = await t.kernels();
  for (const [i, layer] of t.layers.entries()) {
    out.push(kernels[i]!.toDense());
    if (layer.bias) out.push((await layer.bias.data()) as Float32Array);
  }
  return out;
}

/** max |a − b| / max |b| over all arrays. */
function deviation(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    let diff = 0;
    let scale = 0;
    x.forEach((v, j) => {
      diff = Math.max(diff, Math.abs(v - b[i]![j]!));
      scale = Math.max(scale, Math.abs(b[i]![j]!));
    });
    worst = Math.max(worst, scale === 0 ? diff : diff / scale);
  });
  return worst;
}

/** Trains a fused and a graph engine on the same batches; returns the largest loss and weight deviations and whether masks stayed equal. */
async function compare(spec: SparseMlpSpec, strategy: SparseStrategy, options: Partial<SparseEngineOptions> = {}, scale = 1, optimizer = (): tf.Optimizer => tf.train.momentum(0.05, 0.9)): Promise<{ loss: number; weights: number; masksEqual: boolean; updates: number }> {
  // each engine its own optimizer (one optimizer's step counters, Adam's β powers, are shared by all its variables)
  const fused = trainer(spec, strategy, 'fused', { optimizer: optimizer(), ...options });
  const graph = trainer(spec, strategy, 'graph', { optimizer: optimizer(), ...options });
  let loss = 0;
  let updates = 0;
  let masksEqual = true;
  try {
    for (const batch of batches) {
      const { x: raw, y: oneHot } = toTensors(batch, INPUTS, CLASSES);
      const x = scale === 1 ? raw : tf.mul(raw, scale);
      const y = options.loss === 'sparseCategoricalCrossentropy' ? labelsOf(batch) : oneHot;
      const a = await fused.step(x, y);
      const b = await graph.step(x, y);
      tf.dispose([raw, x, y, oneHot]);
      expect(a.skipped).toBe(b.skipped);
      loss = Math.max(loss, Math.abs(a.loss - b.loss) / Math.max(1e-6, Math.abs(b.loss)));
      if (a.maskUpdated) updates++;
      const ma = fused.masks();
      const mb = graph.masks();
      masksEqual &&= ma.every((m, i) => m.every((v, j) => v === mb[i]![j]));
    }
    return { loss, weights: deviation(await weightsOf(fused), await weightsOf(graph)), masksEqual, updates };
  } finally {
    fused.dispose();
    graph.dispose();
  }
}

describe('the fused step trains as the graph step', () => {
  it.each([
    ['RigL', rigl({ sparsity: 0.8, totalSteps: 120, updateEvery: 20 })],
    ['SET', set({ sparsity: 0.8, totalSteps: 120, updateEvery: 20 })],
    ['gradual pruning', magnitudePruning({ sparsity: 0.9, totalSteps: 120, updateEvery: 20 })],
  ] as const)('%s: same loss, masks and weights (relative 1e-5) after 120 steps with updates', async (_, strategy) => {
    const result = await compare(mlp('relu', 'softmax'), strategy);
    expect(result.updates).toBeGreaterThanOrEqual(4);
    expect(result.masksEqual).toBe(true);
    expect(result.loss).toBeLessThan(1e-5);
    expect(result.weights).toBeLessThan(1e-5);
  });

  it.each([
    ['sigmoid, softmax, categoricalCrossentropy', mlp('sigmoid', 'softmax'), 'categoricalCrossentropy'],
    ['tanh, softmax, sparseCategoricalCrossentropy', mlp('tanh', 'softmax'), 'sparseCategoricalCrossentropy'],
    ['relu, linear, softmaxCrossEntropy', mlp('relu', 'linear'), 'softmaxCrossEntropy'],
    ['tanh, sigmoid, meanSquaredError', mlp('tanh', 'sigmoid'), 'meanSquaredError'],
    ['softmax in a hidden layer, linear, meanSquaredError', mlp('softmax', 'linear'), 'meanSquaredError'],
  ] as const)('%s: same loss and weights', async (_, spec, loss) => {
    const result = await compare(spec, rigl({ sparsity: 0.7, totalSteps: 120, updateEvery: 30 }), { loss: loss as LossName });
    expect(result.masksEqual).toBe(true);
    expect(result.loss).toBeLessThan(1e-5);
    expect(result.weights).toBeLessThan(1e-5);
  });

  it('saturated softmax outputs (probabilities beyond the clip to [ε, 1 − ε]) pass no gradient, as in tfjs', async () => {
    const result = await compare(mlp('relu', 'softmax'), rigl({ sparsity: 0.5, totalSteps: 120, updateEvery: 40 }), {}, 40, () => tf.train.sgd(0.5));
    expect(result.loss).toBeLessThan(1e-5);
    expect(result.weights).toBeLessThan(1e-5);
  });

  it('with Adam, whose state the optimizer keeps as in the graph path', async () => {
    const result = await compare(mlp('relu', 'softmax'), set({ sparsity: 0.8, totalSteps: 120, updateEvery: 20 }), {}, 1, () => tf.train.adam(0.01));
    expect(result.loss).toBeLessThan(1e-5);
    expect(result.weights).toBeLessThan(1e-5);
  });
});

describe('non-finite batches on the fused step', () => {
  const poisoned: [string, (x: Float32Array) => void][] = [
    ['a NaN input', (x) => (x[3] = Number.NaN)],
    ['an infinite input', (x) => (x[17] = Number.POSITIVE_INFINITY)],
    ['a negative infinite input', (x) => (x[5] = Number.NEGATIVE_INFINITY)],
    ['inputs that overflow float32 in the products', (x) => x.fill(3e38, 0, INPUTS)],
  ];

  it.each(poisoned)('%s is skipped as by the graph step, nothing changing', async (_, poison) => {
    const strategy = rigl({ sparsity: 0.8, totalSteps: 120, updateEvery: 20 });
    const results = [];
    for (const step of ['fused', 'graph'] as const) {
      const t = trainer(mlp('relu', 'softmax'), strategy, step);
      const { x: clean, y } = toTensors(batches[0]!, INPUTS, CLASSES);
      await t.step(clean, y);
      const before = await weightsOf(t);
      const values = batches[1]!.x.slice();
      poison(values);
      const x = tf.tensor2d(values, [batches[1]!.size, INPUTS]);
      const result = await t.step(x, y);
      results.push({ result, unchanged: deviation(await weightsOf(t), before) === 0, health: t.health(), steps: t.stepCount });
      tf.dispose([clean, x, y]);
      t.dispose();
    }
    expect(results[0]!.result.skipped).toBe(true);
    expect(results[0]).toEqual(results[1]);
    expect(results[0]!.unchanged).toBe(true);
  });

  it.each(poisoned)("%s with nonFinite: 'throw' is refused with the graph step's message", async (_, poison) => {
    const messages: string[] = [];
    for (const step of ['fused', 'graph'] as const) {
      const t = trainer(mlp('relu', 'softmax'), rigl({ sparsity: 0.8, totalSteps: 120, updateEvery: 20 }), step, { nonFinite: 'throw' });
      const values = batches[1]!.x.slice();
      poison(values);
      const x = tf.tensor2d(values, [batches[1]!.size, INPUTS]);
      const y = tf.tensor2d(batches[1]!.y, [batches[1]!.size, CLASSES]);
      messages.push(await t.step(x, y).then(() => 'no error', (e: Error) => e.message));
      tf.dispose([x, y]);
      t.dispose();
    }
    expect(messages[0]).toMatch(/step 0: .*refused/);
    expect(messages[0]).toBe(messages[1]);
  });
});

describe('choosing the step path', () => {
  const strategy = rigl({ sparsity: 0.8, totalSteps: 60, updateEvery: 10 });

  it('auto runs fused for the named losses and the graph for a loss function; the getter says which', () => {
    expect(trainer(mlp('relu', 'softmax'), strategy, 'fused').stepPath).toBe('fused');
    expect(new SparseEngineTrainer(mlp('relu', 'softmax'), { strategy, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' }).stepPath).toBe('fused');
    const custom = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar => tf.losses.meanSquaredError(yTrue, yPred) as tf.Scalar;
    expect(new SparseEngineTrainer(mlp('relu', 'softmax'), { strategy, optimizer: tf.train.sgd(0.1), loss: custom }).stepPath).toBe('graph');
    expect(trainer(mlp('relu', 'softmax'), strategy, 'graph').stepPath).toBe('graph');
  });

  it("'fused' where it cannot run, and an unknown choice, are Errors naming why", () => {
    const custom = (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar => tf.losses.meanSquaredError(yTrue, yPred) as tf.Scalar;
    expect(() => trainer(mlp('relu', 'softmax'), strategy, 'fused', { loss: custom })).toThrow(/step: 'fused' cannot run this network: the loss is a function.*'graph' or 'auto'/);
    expect(() => trainer(mlp('relu', 'softmax'), strategy, 'sideways' as 'fused')).toThrow(/step must be 'auto', 'fused' or 'graph', got "sideways"/);
    expect(fusedIneligibility('hinge' as LossName)).toMatch(/'hinge' is not one of/);
    expect(resolveStepPath('auto', 'categoricalCrossentropy')).toBe('fused');
  });

  it('on webgpu auto runs the graph step (the WGSL products) and fused is refused, naming the backend', () => {
    expect(resolveStepPath('auto', 'categoricalCrossentropy', 'webgpu')).toBe('graph');
    expect(resolveStepPath('auto', 'categoricalCrossentropy', 'wasm')).toBe('fused');
    expect(() => resolveStepPath('fused', 'categoricalCrossentropy', 'webgpu')).toThrow(/step: 'fused' cannot run this network: the backend is 'webgpu' \(the fused step runs on host memory: 'cpu' or 'wasm'/);
    expect(resolveStepPath('graph', 'categoricalCrossentropy', 'webgpu')).toBe('graph');
  });

  it('targets of the wrong shape are refused, naming y and what the loss needs', async () => {
    const t = trainer(mlp('relu', 'softmax'), strategy, 'fused');
    const x = tf.zeros([8, INPUTS]);
    const y = tf.zeros([8, CLASSES + 1]);
    await expect(t.step(x, y)).rejects.toThrow(/y has shape \[8, 5\].*needs \[8, 4\] targets/);
    tf.dispose([x, y]);
    t.dispose();
  });

  it('holds the same number of tensors after each fused step and update (nothing leaks)', async () => {
    const t = trainer(mlp('relu', 'softmax'), strategy, 'fused');
    const counts: number[] = [];
    for (const batch of batches.slice(0, 40)) {
      const { x, y } = toTensors(batch, INPUTS, CLASSES);
      await t.step(x, y);
      tf.dispose([x, y]);
      counts.push(tf.memory().numTensors);
    }
    expect(t.health().scheduledUpdates).toBeGreaterThanOrEqual(3);
    expect(new Set(counts.slice(1)).size).toBe(1);
    t.dispose();
  });
});
