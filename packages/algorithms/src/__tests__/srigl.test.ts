import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SparseTrainer } from '@topiary/core';
import { runConformanceSuite, syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniform } from '@topiary/distributions';
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
    expect(s.granularity).toEqual({ kind: 'fan-in', ablation: { threshold: 0.3 } });
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
    // ablationThreshold: γ_sal, 0 disables ablation; in JSON too
    expect(srigl({ sparsity: 0.9, totalSteps: 1000, ablationThreshold: 0.5 }).granularity).toEqual({ kind: 'fan-in', ablation: { threshold: 0.5 } });
    expect(srigl({ sparsity: 0.9, totalSteps: 1000, ablationThreshold: 0 }).granularity).toEqual({ kind: 'fan-in' });
    expect(resolveStrategy({ method: 'srigl', sparsity: 0.9, ablationThreshold: 0 }, { totalSteps: 1000 }).granularity).toEqual({ kind: 'fan-in' });
    expect(resolveStrategy({ method: 'srigl', sparsity: 0.9, ablationThreshold: 0.6 }, { totalSteps: 1000 }).granularity).toEqual({ kind: 'fan-in', ablation: { threshold: 0.6 } });
    expect(() => srigl({ sparsity: 0.9, totalSteps: 1000, ablationThreshold: 1.5 })).toThrow(/srigl.ablationThreshold: must be ≤ 1 \(got 1.5\)/);
    expect(() => resolveStrategy({ method: 'srigl', sparsity: 0.9, ablationThreshold: -1 }, { totalSteps: 1000 })).toThrow(/ablationThreshold: must be ≥ 0/);
  });

  it('ablates output units at a high γ_sal, keeping every other unit at the layer\'s shared fan-in and at least one unit per layer', async () => {
    const trainer = new SparseTrainer(tinyMlp(), { strategy: srigl({ sparsity: 0.5, totalSteps: 16, updateEvery: 2, end: 1, ablationThreshold: 1, distribution: uniform() }), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const shapes = trainer.model.weights.filter((w) => w.name.endsWith('/kernel')).map((w) => w.shape as number[]);
    let ablated = 0;
    try {
      for (const batch of syntheticBatches({ count: 16, batchSize: 8 })) {
        const { x, y } = toTensors(batch);
        await trainer.step(x, y);
        tf.dispose([x, y]);
        trainer.masks().forEach((mask, l) => {
          const [inputs, out] = shapes[l] as [number, number];
          const counts = columnCounts(mask, shapes[l]!);
          const a = counts.filter((c) => c === 0).length;
          expect(a, `layer ${l} keeps a unit`).toBeLessThan(out);
          const k = Math.min(inputs, Math.floor((Math.round(0.5 * inputs) * out) / (out - a)));
          expect(counts.filter((c) => c !== 0 && c !== k), `layer ${l}`).toEqual([]);
          ablated += a;
        });
      }
      expect(ablated).toBeGreaterThan(0);
    } finally {
      trainer.dispose();
      trainer.optimizer.dispose();
    }
  });

  it('without ablation keeps every output unit of every layer at the same k_l through training under ERK', async () => {
    const trainer = new SparseTrainer(tinyMlp(), { strategy: srigl({ sparsity: 0.8, totalSteps: 12, updateEvery: 2, ablationThreshold: 0 }), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
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
    // SRigL's default γ_sal = 0.3 ablates units of this model: each layer stays within its budget
    srigl: { masks: 'change', ablates: true, create: (c) => srigl({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery }) },
    'srigl without ablation': { masks: 'change', create: (c) => srigl({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery, ablationThreshold: 0 }) },
  },
});
