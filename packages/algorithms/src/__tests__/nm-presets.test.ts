import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nmFirstViolation, SparseTrainer } from '@topiary/core';
import { runConformanceSuite, syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { nmRigl, nmSet, resolveStrategy } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('n:m-rigl preset', () => {
  it('defaults to 2:4 at sparsity 0.5, uniform, on RigL\'s schedule and criteria; written as JSON it resolves to the same', () => {
    const s = nmRigl({ totalSteps: 1000 });
    expect(s.name).toBe('n:m-rigl');
    expect(s.granularity).toEqual({ kind: 'n:m', n: 2, m: 4 });
    expect(s.sparsity).toBe(0.5);
    expect(s.distribution.kind).toBe('uniform');
    expect(s.init).toEqual({ kind: 'random' });
    expect(s.update!.drop.kind).toBe('magnitude');
    expect(s.update!.grow!.kind).toBe('gradient');
    expect(s.update!.schedule).toEqual({ begin: 0, end: 750, every: 100 });
    expect(s.update!.dropFraction!.valueAt(0)).toBeCloseTo(0.3, 12);
    const json = resolveStrategy({ method: 'n:m-rigl' }, { totalSteps: 1000 });
    expect(json.name).toBe(s.name);
    expect(json.granularity).toEqual(s.granularity);
    expect(json.sparsity).toBe(s.sparsity);
    expect(json.distribution.kind).toBe('uniform');
    expect(json.update!.schedule).toEqual(s.update!.schedule);
    expect(json.update!.drop.kind).toBe('magnitude');
    expect(json.update!.grow!.kind).toBe('gradient');
    const oneFour = resolveStrategy({ method: 'n:m-rigl', n: 1, m: 4, sparsity: 0.75 }, { totalSteps: 1000 });
    expect(oneFour.granularity).toEqual({ kind: 'n:m', n: 1, m: 4 });
    expect(oneFour.sparsity).toBe(0.75);
  });

  it('refuses n ≥ m, non-integers and a sparsity other than 1 − n/m, naming the field', () => {
    expect(() => nmRigl({ totalSteps: 100, n: 4, m: 4 })).toThrow('n:m-rigl.n: must be < m = 4 (got 4)');
    expect(() => nmRigl({ totalSteps: 100, n: 1.5 })).toThrow(/n:m-rigl\.n: must be an integer/);
    expect(() => nmRigl({ totalSteps: 100, sparsity: 0.9 })).toThrow('n:m-rigl.sparsity: must be 1 − n/m = 0.5 for 2:4, or left out (got 0.9)');
    expect(() => resolveStrategy({ method: 'n:m-rigl', n: 3, m: 2 }, { totalSteps: 100, root: 'algorithm' })).toThrow('algorithm.n: must be < m = 2 (got 3)');
  });

  it.each([
    ['n:m-rigl', () => nmRigl({ totalSteps: 12, n: 1, m: 4, updateEvery: 2 })],
    ['n:m-set', () => nmSet({ totalSteps: 12, n: 1, m: 4, updateEvery: 2 })],
  ])('%s keeps every group of every layer at exactly n through training', async (_, strategy) => {
    const trainer = new SparseTrainer(tinyMlp(), { strategy: strategy(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const shapes = trainer.model.weights.filter((w) => w.name.endsWith('/kernel')).map((w) => w.shape as number[]);
    let updates = 0;
    try {
      for (const batch of syntheticBatches({ count: 12, batchSize: 8 })) {
        const { x, y } = toTensors(batch);
        if ((await trainer.step(x, y)).maskUpdated) updates++;
        tf.dispose([x, y]);
        trainer.masks().forEach((mask, l) => expect(nmFirstViolation(mask, shapes[l]!, 1, 4)).toBe(-1));
      }
      expect(updates).toBeGreaterThan(0);
    } finally {
      trainer.dispose();
      trainer.optimizer.dispose();
    }
  });
});

describe('n:m-set preset', () => {
  it("defaults to 2:4 at sparsity 0.5 with SET's rule (sign drop, random growth, once per epoch until the end); JSON resolves to the same", () => {
    const s = nmSet({ totalSteps: 1000, stepsPerEpoch: 50 });
    expect(s.name).toBe('n:m-set');
    expect(s.granularity).toEqual({ kind: 'n:m', n: 2, m: 4 });
    expect(s.sparsity).toBe(0.5);
    expect(s.distribution.kind).toBe('uniform');
    expect(s.update!.drop.kind).toBe('set');
    expect(s.update!.grow!.kind).toBe('random');
    expect(s.update!.schedule).toEqual({ begin: 0, end: 1000, every: 50 });
    const json = resolveStrategy({ method: 'n:m-set', n: 1, m: 2 }, { totalSteps: 1000, stepsPerEpoch: 50 });
    expect(json.granularity).toEqual({ kind: 'n:m', n: 1, m: 2 });
    expect(json.sparsity).toBe(0.5);
    expect(json.update!.schedule).toEqual(s.update!.schedule);
    expect(() => nmSet({ totalSteps: 100, n: 2, m: 4, sparsity: 0.75 })).toThrow('n:m-set.sparsity: must be 1 − n/m = 0.5 for 2:4, or left out (got 0.75)');
  });
});

runConformanceSuite({
  name: 'cpu (n:m-rigl)',
  setup: async () => {
    await tf.setBackend('cpu');
  },
  sparsity: 0.5,
  strategies: {
    'n:m-rigl': { masks: 'change', create: (c) => nmRigl({ totalSteps: c.totalSteps, updateEvery: c.updateEvery }) },
    'n:m-set': { masks: 'change', create: (c) => nmSet({ totalSteps: c.totalSteps, updateEvery: c.updateEvery }) },
  },
});
