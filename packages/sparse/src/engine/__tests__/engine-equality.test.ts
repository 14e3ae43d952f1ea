// The sparse engine against the masked engine (core's SparseTrainer), same model, seed and batches on the cpu
// backend: RigL, SET (random growth in the masked engine's order), static and gradual magnitude pruning on a
// LeNet-300-100-sized MLP for 500 steps with mask updates every 50 steps give the same masks after every update
// and the same weights within float tolerance (the engines sum the products in different orders).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { magnitudePruning, rigl, set, staticSparse } from '@topiary/algorithms';
import type { SparseStrategy } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareEngines, equalityBatches } from './equality-fixtures.js';
import type { RandomGrowth } from '../sparse-update.js';

const STEPS = 500;
const EVERY = 50;
const batches = equalityBatches(STEPS, 4);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cases: [string, SparseStrategy, RandomGrowth][] = [
  ['RigL', rigl({ sparsity: 0.9, totalSteps: STEPS, updateEvery: EVERY }), 'sampled'],
  ['SET', set({ sparsity: 0.9, totalSteps: STEPS, updateEvery: EVERY }), 'masked-order'],
  ['static', staticSparse({ sparsity: 0.9, totalSteps: STEPS }), 'sampled'],
  ['gradual pruning', magnitudePruning({ sparsity: 0.9, totalSteps: STEPS, updateEvery: EVERY }), 'sampled'],
];

describe('the sparse engine trains as the masked engine', () => {
  it.each(cases)('%s: same masks after every update, weights within relative 1e-5 after 500 steps', async (_, strategy, randomGrowth) => {
    const result = await compareEngines(strategy, batches, { randomGrowth });
    expect(result.masksEqual).toBe(true);
    expect(result.updates.sparse).toBe(result.updates.masked);
    if (strategy.update) expect(result.updates.masked).toBeGreaterThanOrEqual(6);
    expect(result.relativeWeightDeviation).toBeLessThanOrEqual(1e-5);
    expect(result.lossDeviation).toBeLessThan(1e-4);
  }, 300_000);
});
