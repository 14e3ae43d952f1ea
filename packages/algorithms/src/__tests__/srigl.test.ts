import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SparseTrainer } from '@topiary/core';
import { runConformanceSuite, syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveStrategy, rigl, srigl } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Active inputs of every output unit of a kernel mask (column o of the kernel viewed as [size / out, out]). */
function columnCounts(mask: ArrayLike<number>, shape: readonly number[]): number[] {
  const out = shape[shape.length - 1]!;
  const counts = new Array<number>(out).fill(0);
  for (let j = 0; j < mask.length; j++) counts[j % out]! += mask[j] !== 0 ? 1 : 0;
  return counts;
}

describe('srigl preset', () => {
  it("defaults to RigL's schedule and criteria with ERK and constant fan-in; written as JSON it resolves to the same", () => {
    const s = srigl({ sparsity: 0.9, totalSteps: 1000 });
    const r = rigl({ sparsity: 0.9, totalSteps: 1000 });
    expect(s.name).toBe('srigl');
    expect(s.granularity).toEqual({ kind: 'fan-in' });
    expect(s.sparsity).toBe(0.9);
    expect(s.distribution.kind).toBe(r.distribution.kind);
    expect(s.distribution.kind).toBe('erk');
    expect(s.init).toEqual({ kind: 'random' });
    expect(s.update!.drop.kind).toBe('magnitude');
    expect(s.update!.grow!.kind).toBe('gradient');
    expect(s.update!.schedule).toEqual({ begin: 0, end: 750, every: 100 });
    expect(s.update!.schedule).toEqual(r.update!.schedule);
    expect(s.update!.dropFraction!.valueAt(0)).toBeCloseTo(0.3, 12);
    expect(s.update!.dropFraction!.valueAt(375)).toBeCloseTo(r.update!.dropFraction!.valueAt(375), 12);
    const json = resolveStrategy({ method: 'srigl', sparsity: 0.9 }, { totalSteps: 1000 });
    expect(json.name).toBe(s.name);
    expect(json.granularity).toEqual(s.granularity);
    expect(json.sparsity).toBe(s.sparsity);
    expect(json.distribution.kind).toBe('erk');
    expect(json.update!.schedule).toEqual(s.update!.schedule);
    expect(json.update!.drop.kind).toBe('magnitude');
    expect(json.update!.grow!.kind).toBe('gradient');
    expect(json.update!.dropFraction!.valueAt(375)).toBeCloseTo(s.update!.dropFraction!.valueAt(375), 12);
    const uniform = resolveStrategy({ method: 'srigl', sparsity: 0.5, distribution: { kind: 'uniform' }, updateEvery: 10 }, { totalSteps: 1000 });
    expect(uniform.distribution.kind).toBe('uniform');
    expect(uniform.update!.schedule.every).toBe(10);
  });

  it('keeps every output unit of every layer at the same k_l through training under ERK', async () => {
    const trainer = new SparseTrainer(tinyMlp(), { strategy: srigl({ sparsity: 0.8, totalSteps: 12, updateEvery: 2 }), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const shapes = trainer.model.weights.filter((w) => w.name.endsWith('/kernel')).map((w) => w.shape as number[]);
    let updates = 0;
    let first: number[] | undefined;
    try {
      for (const batch of syntheticBatches({ count: 12, batchSize: 8 })) {
        const { x, y } = toTensors(batch);
        if ((await trainer.step(x, y)).maskUpdated) updates++;
        tf.dispose([x, y]);
        const k = trainer.masks().map((mask, l) => {
          const counts = columnCounts(mask, shapes[l]!);
          expect(new Set(counts).size, `layer ${l}`).toBe(1);
          return counts[0]!;
        });
        first ??= k;
        expect(k).toEqual(first);
      }
      expect(updates).toBeGreaterThan(0);
      // ERK: fractions k_l / in_l differ across layers
      expect(new Set(first!.map((k, l) => k / shapes[l]![0]!)).size).toBeGreaterThan(1);
    } finally {
      trainer.dispose();
      trainer.optimizer.dispose();
    }
  });

  it('refuses a sparsity that leaves a layer no input per output unit, naming the layer', () => {
    expect(() => new SparseTrainer(tinyMlp(), { strategy: srigl({ sparsity: 0.999, totalSteps: 100 }), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' })).toThrow(
      /granularity 'fan-in': layer dense_Dense\d+ .* = 0 active inputs per output unit; it needs density ≥/,
    );
  });
});

runConformanceSuite({
  name: 'cpu (srigl)',
  setup: async () => {
    await tf.setBackend('cpu');
  },
  strategies: {
    srigl: { masks: 'change', create: (c) => srigl({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery }) },
  },
});
