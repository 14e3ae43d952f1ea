import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SparseTrainer } from '@topiary/core';
import { runConformanceSuite, syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { describe, expect, it } from 'vitest';
import { granet, resolveStrategy } from '../index.js';

describe('granet preset', () => {
  it("prunes globally by |w| on Zhu & Gupta's cubic schedule and regrows a cosine-decayed r = 0.3 by gradient; written as JSON it resolves to the same", () => {
    const s = granet({ sparsity: 0.9, totalSteps: 1000 });
    expect(s.name).toBe('granet');
    expect(s.sparsity).toBe(0.9);
    expect(s.distribution.kind).toBe('uniform');
    expect(s.init).toEqual({ kind: 'dense' });
    const u = s.update!;
    expect(u.scope).toBe('global');
    expect(u.drop.kind).toBe('magnitude');
    expect(u.grow!.kind).toBe('gradient');
    expect(u.growInit!.kind).toBe('zeros');
    expect(u.redistribution).toBeUndefined();
    // pruning steps 0, 100, …, 700 (t0 = 0, t0 + nΔt = 75% aligned to Δt = 100); the target applies at 700
    expect(u.schedule).toEqual({ begin: 0, end: 701, every: 100 });
    const cubic = (t: number) => 0.9 + (0 - 0.9) * (1 - t / 700) ** 3;
    for (const t of [0, 100, 350, 700]) expect(u.targetSparsity!.valueAt(t)).toBeCloseTo(cubic(t), 12);
    const cosine = (t: number) => (0.3 / 2) * (1 + Math.cos((Math.PI * t) / 700));
    for (const t of [0, 100, 350, 700]) expect(u.dropFraction!.valueAt(t)).toBeCloseTo(cosine(t), 12);

    const json = resolveStrategy({ method: 'granet', sparsity: 0.9 }, { totalSteps: 1000 });
    expect(json.name).toBe('granet');
    expect(json.update!.scope).toBe('global');
    expect(json.update!.schedule).toEqual(u.schedule);
    for (const t of [0, 100, 350, 700]) {
      expect(json.update!.targetSparsity!.valueAt(t)).toBe(u.targetSparsity!.valueAt(t));
      expect(json.update!.dropFraction!.valueAt(t)).toBe(u.dropFraction!.valueAt(t));
    }
  });

  it('takes a sparse start, its own r and schedule, and layer scope', () => {
    const s = granet({ sparsity: 0.95, totalSteps: 1000, initialSparsity: 0.5, dropFraction: 0.5, dropSchedule: 'constant', scope: 'layer', updateEvery: 50, end: 0.5 });
    expect(s.update!.scope).toBeUndefined();
    expect(s.update!.schedule).toEqual({ begin: 0, end: 501, every: 50 });
    expect(s.update!.targetSparsity!.valueAt(0)).toBeCloseTo(0.5, 12);
    expect(s.update!.targetSparsity!.valueAt(500)).toBeCloseTo(0.95, 12);
    expect(s.update!.dropFraction!.valueAt(250)).toBe(0.5);
  });

  it('refuses a start sparser than the end and an unknown scope, in TypeScript and JSON', () => {
    expect(() => granet({ sparsity: 0.5, totalSteps: 100, initialSparsity: 0.8 })).toThrow('granet.initialSparsity: must be ≤ sparsity (0.5) (got 0.8)');
    expect(() => resolveStrategy({ method: 'granet', sparsity: 0.9, scope: 'net' }, { totalSteps: 100, root: 'algorithm' })).toThrow(/algorithm\.scope: .*\(got "net"\)/);
  });

  it('is what custom builds in JSON from the same prune-and-regrow policy, which custom now accepts', () => {
    const preset = granet({ sparsity: 0.8, totalSteps: 1000 }).update!;
    const hand = resolveStrategy(
      {
        method: 'custom',
        sparsity: 0.8,
        init: { kind: 'dense' },
        update: {
          updateEvery: 100,
          end: 0.701,
          drop: { kind: 'magnitude' },
          grow: { kind: 'gradient' },
          targetSparsity: { kind: 'polynomial', final: 0.8 },
          dropFraction: { kind: 'cosine', initial: 0.3 },
          scope: 'global',
        },
      },
      { totalSteps: 1000 },
    ).update!;
    expect(hand.scope).toBe('global');
    expect(hand.schedule).toEqual(preset.schedule);
    expect([hand.drop.kind, hand.grow!.kind]).toEqual([preset.drop.kind, preset.grow!.kind]);
    for (const t of [0, 300, 700]) expect(hand.targetSparsity!.valueAt(t)).toBeCloseTo(preset.targetSparsity!.valueAt(t), 12);
  });

  it('reaches the final sparsity exactly, with every layer within its size', async () => {
    await tf.setBackend('cpu');
    const totalSteps = 30;
    const trainer = new SparseTrainer(tinyMlp({ seed: 2 }), { strategy: granet({ sparsity: 0.85, totalSteps, updateEvery: 4 }), optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', seed: 4, onWarning: () => undefined });
    try {
      for (const batch of syntheticBatches({ count: totalSteps })) {
        const { x, y } = toTensors(batch);
        await trainer.step(x, y);
        tf.dispose([x, y]);
      }
      const summary = trainer.summary();
      const total = summary.layers.reduce((n, l) => n + l.size, 0);
      // the overall budget: Σ round(0.15 · size_l) of the uniform distribution
      expect(summary.activeWeights).toBe(summary.layers.reduce((n, l) => n + Math.round(0.15 * l.size), 0));
      expect(Math.abs(summary.sparsity - 0.85)).toBeLessThan(1 / total + 1e-9 + summary.layers.length / total);
      for (const l of summary.layers) expect(l.active).toBeLessThanOrEqual(l.size);
      // global pruning: the layers end at different sparsities
      expect(new Set(summary.layers.map((l) => l.active / l.size)).size).toBeGreaterThan(1);
    } finally {
      trainer.dispose();
      trainer.model.dispose();
      trainer.optimizer.dispose();
    }
  });
});

runConformanceSuite({
  name: 'cpu (granet, global magnitude pruning)',
  setup: async () => {
    await tf.setBackend('cpu');
  },
  strategies: {
    granet: { masks: 'prune', redistributes: true, create: (c) => granet({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery, end: 0.6 }) },
    'granet (layer scope)': { masks: 'prune', create: (c) => granet({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery, end: 0.6, scope: 'layer' }) },
  },
});
