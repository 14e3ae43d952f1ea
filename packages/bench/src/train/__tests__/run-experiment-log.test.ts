import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../data/load-dataset.js';
import type { LoadedDataset } from '../../data/loaded-dataset.js';
import type { TrainingLogEntry } from '../../results/training-log.js';
import { trainingLogEntrySchema } from '../../results/training-log.js';
import { parseRunConfig } from '../config.js';
import { runExperiment } from '../run-experiment.js';

let subset: LoadedDataset;
beforeAll(async () => {
  await tf.setBackend('cpu');
  subset = await loadDataset({ dataset: 'fashion-mnist-subset' });
});

const config = (logging: Record<string, unknown>) =>
  parseRunConfig({
    data: { dataset: 'fashion-mnist-subset', trainLimit: 512, testLimit: 100 },
    model: { kind: 'mlp', hidden: [32] },
    training: { epochs: 2, batchSize: 64, learningRate: 0.05 },
    algorithm: { method: 'rigl', sparsity: 0.9, updateEvery: 3 },
    seed: 3,
    backend: 'cpu',
    logging,
  });

describe('runExperiment training log', () => {
  it('logs every everySteps-th step, each mask update and every epoch, as valid lines', async () => {
    const entries: TrainingLogEntry[] = [];
    const before = tf.memory().numTensors;
    const result = await runExperiment(config({ everySteps: 4 }), { useActiveBackend: true, loadData: async () => subset, onLog: (e) => entries.push(e) });
    expect(tf.memory().numTensors).toBe(before);
    for (const entry of entries) expect(trainingLogEntrySchema.parse(entry)).toEqual(entry);
    const steps = entries.filter((e) => e.type === 'step');
    // 8 steps an epoch, 16 in all: steps 3, 7, 11, 15
    expect(steps.map((e) => [e.epoch, e.step])).toEqual([[1, 3], [1, 7], [2, 11], [2, 15]]);
    expect(steps.every((e) => e.type === 'step' && e.learningRate !== undefined && e.meanTimeMs > 0 && e.meanLoss !== null)).toBe(true);
    const updates = entries.filter((e) => e.type === 'mask-update');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((e) => e.type === 'mask-update' && e.step % 3 === 0 && e.layers.length === 2)).toBe(true);
    const epochs = entries.filter((e) => e.type === 'epoch');
    expect(epochs.map((e) => e.type === 'epoch' && [e.epoch, e.step, e.meanLoss])).toEqual(result.lossCurve.map((l, i) => [l.epoch, 8 * (i + 1) - 1, l.meanLoss]));
    expect(entries.map((e) => e.elapsedMs)).toEqual([...entries.map((e) => e.elapsedMs)].sort((a, b) => a - b));
  });

  it('writes epoch lines only with everySteps 0 and maskUpdates false', async () => {
    const entries: TrainingLogEntry[] = [];
    await runExperiment(config({ everySteps: 0, maskUpdates: false }), { useActiveBackend: true, loadData: async () => subset, onLog: (e) => entries.push(e) });
    expect(entries.map((e) => e.type)).toEqual(['epoch', 'epoch']);
  });
});
