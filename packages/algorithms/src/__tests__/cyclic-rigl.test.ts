import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { budgetsFromDensities, findPrunableKernels, SparseTrainer } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { describe, expect, it } from 'vitest';
import { cyclicRigl, resolveStrategy, rigl } from '../index.js';

describe('cyclic-rigl preset', () => {
  it("is RigL's drop and grow with an annealed cyclic target ending at the sparsity at the last update; JSON resolves to the same", () => {
    const s = cyclicRigl({ sparsity: 0.9, totalSteps: 1000 });
    const r = rigl({ sparsity: 0.9, totalSteps: 1000 });
    expect(s.name).toBe('cyclic-rigl');
    expect(s.distribution.kind).toBe('erk');
    expect(s.init).toEqual({ kind: 'random' });
    const u = s.update!;
    expect(u.schedule).toEqual(r.update!.schedule);
    expect([u.drop.kind, u.grow!.kind, u.growInit!.kind]).toEqual(['magnitude', 'gradient', 'zeros']);
    for (const t of [0, 100, 400, 700]) expect(u.dropFraction!.valueAt(t)).toBe(r.update!.dropFraction!.valueAt(t));
    // updates at 100, …, 700 (T_end = 750); period 800 steps; the swing 0.5 · (1 − 0.9) = 0.05 decays to 0 at 700
    const target = u.targetSparsity!;
    expect(target.valueAt(0)).toBeCloseTo(0.95, 12);
    expect(target.valueAt(400)).toBeCloseTo(0.9 + 0.05 * (3 / 7) * Math.cos(Math.PI), 12);
    expect(target.valueAt(700)).toBe(0.9);
    for (let t = 0; t <= 700; t += 10) expect(Math.abs(target.valueAt(t) - 0.9)).toBeLessThanOrEqual(0.05 * (1 - t / 700) + 1e-12);

    const json = resolveStrategy({ method: 'cyclic-rigl', sparsity: 0.9 }, { totalSteps: 1000 });
    expect(json.update!.schedule).toEqual(u.schedule);
    for (let t = 0; t <= 800; t += 50) expect(json.update!.targetSparsity!.valueAt(t)).toBe(target.valueAt(t));
  });

  it('takes its swing, period, window and scope', () => {
    const s = cyclicRigl({ sparsity: 0.8, totalSteps: 1000, swing: 0.25, period: 200, updateEvery: 50, end: 0.5, scope: 'global' });
    expect(s.update!.scope).toBe('global');
    expect(s.update!.targetSparsity!.valueAt(0)).toBeCloseTo(0.85, 12);
    // last update 450; at t = 100 the cycle is at its low, the swing 0.05 · (1 − 100/450)
    expect(s.update!.targetSparsity!.valueAt(100)).toBeCloseTo(0.8 - 0.05 * (1 - 100 / 450), 12);
    expect(s.update!.targetSparsity!.valueAt(450)).toBe(0.8);
  });

  it('refuses bad input naming the field, the value and what is allowed, in TypeScript and JSON', () => {
    expect(() => cyclicRigl({ sparsity: 0.2, totalSteps: 1000, swing: 0.5 })).toThrow('cyclic-rigl.swing: must be ≤ sparsity / (1 − sparsity) = 0.25, so that the least sparse target stays ≥ 0 (got 0.5)');
    expect(() => cyclicRigl({ sparsity: 0.9, totalSteps: 100, updateEvery: 100 })).toThrow(/cyclic-rigl\.updateEvery: must leave at least one mask update in \(begin, T_end\) = \(0, 75\).*\(got 100\)/);
    expect(() => resolveStrategy({ method: 'cyclic-rigl', sparsity: 0.9, swing: 1 }, { totalSteps: 1000, root: 'algorithm' })).toThrow(/algorithm\.swing: must be < 1 \(got 1\)/);
    expect(() => resolveStrategy({ method: 'cyclic-rigl', sparsity: 0.9, period: 0 }, { totalSteps: 1000, root: 'algorithm' })).toThrow(/algorithm\.period: must be > 0 \(got 0\)/);
  });

  it('custom takes a cyclic target and checks its values as sparsities', () => {
    const s = resolveStrategy(
      { method: 'custom', sparsity: 0.8, update: { drop: { kind: 'magnitude' }, grow: { kind: 'gradient' }, dropFraction: { kind: 'constant', value: 0.1 }, targetSparsity: { kind: 'cyclic', low: 0.7, high: 0.9, period: 100, anneal: true } } },
      { totalSteps: 1000 },
    );
    expect(s.update!.targetSparsity!.valueAt(0)).toBeCloseTo(0.9, 12);
    expect(s.update!.targetSparsity!.valueAt(999)).toBe(0.8);
    expect(() =>
      resolveStrategy({ method: 'custom', sparsity: 0.8, update: { drop: { kind: 'magnitude' }, grow: { kind: 'gradient' }, targetSparsity: { kind: 'cyclic', low: 0.7, high: 1.2, period: 100 } } }, { totalSteps: 1000, root: 'algorithm' }),
    ).toThrow(/algorithm\.update\.targetSparsity\.high: must be < 1 \(got 1\.2\)/);
  });

  it('trains with density following the target both ways, every layer exactly at its budget after each update and at the sparsity after the last', async () => {
    const totalSteps = 48;
    const strategy = cyclicRigl({ sparsity: 0.8, totalSteps, updateEvery: 4, period: 16, end: 1 });
    const model = tinyMlp({ hidden: [24, 12], seed: 3 });
    const kernels = findPrunableKernels(model);
    const budgetsAt = (s: number) => budgetsFromDensities(kernels, strategy.distribution.densities(kernels.map((k) => k.shape), s));
    const trainer = new SparseTrainer(model, { strategy, optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', seed: 2 });
    const sparsities: number[] = [];
    try {
      for (const [t, batch] of syntheticBatches({ count: totalSteps }).entries()) {
        const { x, y } = toTensors(batch);
        const result = await trainer.step(x, y);
        tf.dispose([x, y]);
        if (!result.maskUpdated) continue;
        const target = strategy.update!.targetSparsity!.valueAt(t);
        const actives = trainer.summary().layers.map((l) => l.active);
        expect(actives).toEqual(budgetsAt(target));
        actives.forEach((a, i) => expect(Math.abs(a - strategy.distribution.densities(kernels.map((k) => k.shape), target)[i]! * kernels[i]!.shape.size)).toBeLessThanOrEqual(1));
        sparsities.push(trainer.summary().sparsity);
      }
      expect(sparsities.length).toBe(11);
      expect(sparsities.some((s, i) => i > 0 && s < sparsities[i - 1]!)).toBe(true);
      expect(sparsities.some((s, i) => i > 0 && s > sparsities[i - 1]!)).toBe(true);
      expect(trainer.summary().layers.map((l) => l.active)).toEqual(budgetsAt(0.8));
    } finally {
      trainer.dispose();
      model.dispose();
    }
  });
});
