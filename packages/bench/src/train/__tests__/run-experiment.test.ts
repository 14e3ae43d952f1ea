import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../data/load-dataset.js';
import type { LoadDatasetOptions, LoadedDataset } from '../../data/loaded-dataset.js';
import { parseRunConfig } from '../config.js';
import { runExperiment, type RunProgress } from '../run-experiment.js';

let subset: LoadedDataset;
const loadData = async (options: LoadDatasetOptions): Promise<LoadedDataset> => {
  expect(options.dataset).toBe('fashion-mnist-subset');
  return subset;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  subset = await loadDataset({ dataset: 'fashion-mnist-subset' });
});

const tiny = (algorithm: unknown, extra: Record<string, unknown> = {}) =>
  parseRunConfig({
    data: { dataset: 'fashion-mnist-subset', trainLimit: 512, testLimit: 200 },
    model: { kind: 'mlp', hidden: [64, 32] },
    training: { epochs: 1, batchSize: 64, learningRate: 0.05 },
    algorithm,
    seed: 11,
    backend: 'cpu',
    ...extra,
  });

describe('runExperiment', () => {
  it('trains a dense model and returns sane, complete fields without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const progress: RunProgress[] = [];
    const result = await runExperiment(tiny({ method: 'dense', sparsity: 0 }), {
      useActiveBackend: true,
      loadData,
      onProgress: (p) => progress.push(p),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stepsTaken).toBe(8);
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.every((p) => p.totalSteps === 8 && p.epoch === 1 && p.epochs === 1)).toBe(true);
    expect(result.testAccuracy).toBeGreaterThan(0.3);
    expect(result.testAccuracy).toBeLessThanOrEqual(1);
    expect(result.lossCurve).toHaveLength(1);
    expect(result.finalLoss).toBe(result.lossCurve[0]!.meanLoss);
    expect(result.finalLoss).toBeLessThan(Math.log(10) + 0.5);
    expect(result.summary.sparsity).toBe(0);
    expect(result.summary.totalWeights).toBe(784 * 64 + 64 * 32 + 32 * 10);
    expect(result.flops.trainingRatio).toBeCloseTo(1, 6);
    expect(result.data).toMatchObject({ name: 'fashion-mnist-subset', trainUsed: 512, validationUsed: 0, testUsed: 200 });
    expect(result.data.files).toHaveLength(4);
    expect(result.backend).toBe('cpu');
    expect(result.wallTimeMs).toBeGreaterThan(0);
    expect(result.bestValidationAccuracy).toBeUndefined();
    expect(result.msPerStep).toBe(result.trainingTimeMs / 8);
    expect(result.msPerStep).toBeGreaterThan(0);
    expect(result.peakMemoryBytes).toBeGreaterThan(1 << 20);
    expect(result.processMaxRssBytes).toBeGreaterThanOrEqual(result.peakMemoryBytes * 0.9);
  });

  it('samples the memory at the start, after every epoch and at the end, and reports the largest sample', async () => {
    const samples: number[] = [];
    const sizes = [5_000, 9_000, 7_000, 6_000];
    const memory = { rss: () => { samples.push(samples.length); return sizes[samples.length - 1] ?? 0; }, maxRss: () => 12_288 };
    const result = await runExperiment(tiny({ method: 'dense', sparsity: 0 }, { training: { epochs: 2, batchSize: 64, learningRate: 0.05 } }), {
      useActiveBackend: true,
      loadData,
      memory,
    });
    // start, epoch 1, epoch 2, end
    expect(samples).toHaveLength(4);
    expect(result.peakMemoryBytes).toBe(9_000);
    expect(result.processMaxRssBytes).toBe(12_288);
    expect(result.stepsTaken).toBe(16);
    expect(result.msPerStep).toBe(result.trainingTimeMs / 16);
  });

  it('trains RigL at 90% sparsity: sparse masks and fewer training FLOPs than dense', async () => {
    const before = tf.memory().numTensors;
    const result = await runExperiment(tiny({ method: 'rigl', sparsity: 0.9, updateEvery: 2 }), { useActiveBackend: true, loadData });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.stepsTaken).toBe(8);
    expect(result.summary.sparsity).toBeGreaterThan(0.85);
    expect(result.summary.sparsity).toBeLessThan(0.95);
    expect(result.flops.trainingRatio).toBeLessThan(0.6);
    expect(result.flops.inferenceRatio).toBeLessThan(0.3);
    expect(result.summary.explorationRate).toBeGreaterThan(0);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.testAccuracy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(result.finalLoss)).toBe(true);
    // the trainer's health comes with the result: RigL at updateEvery 2 schedules updates, none skipped
    expect(result.health.skippedSteps).toBe(0);
    expect(result.health.scheduledUpdates).toBeGreaterThan(0);
    expect(result.health.skippedUpdates).toBe(0);
  });

  it("resolves engine 'auto' before training and records the engine used and why", async () => {
    const sparse = await runExperiment(tiny({ method: 'rigl', sparsity: 0.9, updateEvery: 2 }, { engine: 'auto' }), { useActiveBackend: true, loadData });
    expect(sparse.engine).toBe('sparse');
    expect(sparse.engineReason).toContain('initial sparsity 0.9');
    // the sparse engine holds the nonzeros only: a dense start is below the crossover
    const masked = await runExperiment(tiny({ method: 'dense', sparsity: 0 }, { engine: 'auto' }), { useActiveBackend: true, loadData });
    expect(masked.engine).toBe('masked');
    expect(masked.engineReason).toContain('crossover');
    const configured = await runExperiment(tiny({ method: 'rigl', sparsity: 0.5, updateEvery: 2 }, { engine: 'sparse' }), { useActiveBackend: true, loadData });
    expect(configured).toMatchObject({ engine: 'sparse', engineReason: "engine 'sparse' as configured" });
    expect(sparse.summary.sparsity).toBeGreaterThan(0.85);
  });

  it('is reproducible: the same seed gives the same losses and accuracy', async () => {
    const config = tiny({ method: 'dense', sparsity: 0 });
    const a = await runExperiment(config, { useActiveBackend: true, loadData });
    const b = await runExperiment(config, { useActiveBackend: true, loadData });
    const c = await runExperiment({ ...config, seed: 12 }, { useActiveBackend: true, loadData });
    expect(b.lossCurve).toEqual(a.lossCurve);
    expect(b.testAccuracy).toBe(a.testAccuracy);
    expect(c.lossCurve).not.toEqual(a.lossCurve);
  });

  it('reports the best validation accuracy when asked', async () => {
    const config = tiny({ method: 'dense', sparsity: 0 }, {
      data: { dataset: 'fashion-mnist-subset', trainLimit: 300, testLimit: 100, validationSplit: 100 },
      training: { epochs: 2, batchSize: 50, evaluateBestValidation: true },
    });
    const result = await runExperiment(config, { useActiveBackend: true, loadData });
    expect(result.stepsTaken).toBe(8);
    expect(result.lossCurve.map((e) => e.epoch)).toEqual([1, 2]);
    expect(result.bestValidationAccuracy).toBeGreaterThan(0);
    expect(result.bestValidationAccuracy).toBeLessThanOrEqual(1);
    expect(result.data).toMatchObject({ trainUsed: 200, validationUsed: 100 });
  });

  it('stops when aborted and still disposes everything', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = runExperiment(tiny({ method: 'dense', sparsity: 0 }), {
      useActiveBackend: true,
      loadData,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 3) controller.abort(new Error('stop here'));
      },
    });
    await expect(run).rejects.toThrow('stop here');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a batch larger than the training data, naming the field', async () => {
    const config = tiny({ method: 'dense', sparsity: 0 }, { training: { batchSize: 1024, epochs: 1 } });
    await expect(runExperiment(config, { useActiveBackend: true, loadData })).rejects.toThrow(
      /training\.batchSize must be at most the 512 training examples .*got 1024/,
    );
  });
});
