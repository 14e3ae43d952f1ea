import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SparseTrainer } from '@topiary/core';
import type { DropCriterion, Distribution } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, magnitudePruning, rigl, set, snfs, snip, staticSparse } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('presets carry the papers defaults', () => {
  it('RigL: ΔT 100, α 0.3 cosine, T_end at 75%, ERK, magnitude drop, gradient growth, zero init', () => {
    const s = rigl({ sparsity: 0.9, totalSteps: 10000 });
    expect(s.name).toBe('rigl');
    expect(s.distribution.kind).toBe('erk');
    expect(s.init).toEqual({ kind: 'random' });
    expect(s.update!.schedule).toEqual({ begin: 0, end: 7500, every: 100 });
    expect(s.update!.drop.kind).toBe('magnitude');
    expect(s.update!.grow!.kind).toBe('gradient');
    expect(s.update!.growInit!.kind).toBe('zeros');
    expect(s.update!.dropFraction!.valueAt(0)).toBeCloseTo(0.3, 12);
    expect(s.update!.dropFraction!.valueAt(3750)).toBeCloseTo(0.15, 12);
    expect(s.update!.dropFraction!.valueAt(7500)).toBe(0);
  });

  it('SET: ER, sign rule, random growth, constant ζ = 0.3 until the end', () => {
    const s = set({ sparsity: 0.9, totalSteps: 1000, updateEvery: 50 });
    expect(s.distribution.kind).toBe('er');
    expect(s.update!.drop.kind).toBe('set');
    expect(s.update!.grow!.kind).toBe('random');
    expect(s.update!.schedule).toEqual({ begin: 0, end: 1000, every: 50 });
    expect(s.update!.dropFraction!.valueAt(999)).toBe(0.3);
  });

  it('SNFS: momentum growth, momentum redistribution, p = 0.5 cosine to 0.005', () => {
    const s = snfs({ sparsity: 0.9, totalSteps: 1000 });
    expect(s.update!.grow!.kind).toBe('momentum');
    expect(s.update!.redistribution!.kind).toBe('momentum');
    expect(s.update!.dropFraction!.valueAt(0)).toBeCloseTo(0.5, 12);
    expect(s.update!.dropFraction!.valueAt(1000)).toBe(0.005);
    expect(snfs({ sparsity: 0.9, totalSteps: 1000, redistribute: false }).update!.redistribution).toBeUndefined();
  });

  it('static, SNIP, pruning and dense', () => {
    expect(staticSparse({ sparsity: 0.9, totalSteps: 10 }).update).toBeUndefined();
    const sn = snip({ sparsity: 0.9, totalSteps: 10 });
    expect(sn.init.kind).toBe('scored');
    const p = magnitudePruning({ sparsity: 0.9, totalSteps: 10000 });
    expect(p.init).toEqual({ kind: 'dense' });
    expect(p.update!.targetSparsity!.valueAt(0)).toBe(0);
    expect(p.update!.targetSparsity!.valueAt(7500)).toBe(0.9);
    expect(p.update!.targetSparsity!.valueAt(3750)).toBeCloseTo(0.9 - 0.9 * 0.125, 12);
    expect(dense()).toMatchObject({ sparsity: 0, init: { kind: 'dense' } });
  });

  it('refuses bad options naming the field and the allowed range', () => {
    expect(() => rigl({ sparsity: 1, totalSteps: 10 })).toThrow(/rigl\.sparsity: must be < 1 \(got 1\)/);
    expect(() => rigl({ sparsity: -0.1, totalSteps: 10 })).toThrow(/rigl\.sparsity: must be ≥ 0 \(got -0\.1\)/);
    expect(() => rigl({ sparsity: 0.9, totalSteps: 100, dropFraction: 1.5 })).toThrow(/rigl\.dropFraction: must be ≤ 1 \(got 1\.5\)/);
    expect(() => rigl({ sparsity: 0.9, totalSteps: 100, updateEvery: 0 })).toThrow(/rigl\.updateEvery: must be > 0 \(got 0\)/);
    expect(() => rigl({ sparsity: 0.9, totalSteps: 100, end: 0.5, begin: 60 })).toThrow(/rigl\.begin: must be an integer step in \[0, T_end = 50\).*\(got 60\)/);
    expect(() => magnitudePruning({ sparsity: 0.9, totalSteps: 100, begin: 0.8, end: 0.5 })).toThrow(/magnitudePruning\.end: must leave end > begin .*\(got 0\.5\)/);
    expect(() => snip({ sparsity: 0.9, totalSteps: 10, scope: 'x' as never })).toThrow(/snip\.scope: .*"global".*\(got "x"\)/);
  });
});

async function train(trainer: SparseTrainer, steps: number): Promise<number[]> {
  const losses: number[] = [];
  for (const batch of syntheticBatches({ count: steps })) {
    const { x, y } = toTensors(batch);
    losses.push((await trainer.step(x, y)).loss);
    tf.dispose([x, y]);
  }
  return losses;
}

describe('composition', () => {
  it('a user-defined drop criterion and distribution plug into a preset through the core types', async () => {
    // drop the weights with the smallest |w| relative to their column's mean |w| (a made-up criterion)
    const columnRelative: DropCriterion = {
      kind: 'column-relative',
      score: ({ weight }) => tf.div(tf.abs(weight), tf.add(tf.mean(tf.abs(weight), 0, true), 1e-12)),
    };
    // every layer at the same density except the last, which stays dense
    const lastDense: Distribution = { kind: 'last-dense', densities: (layers, s) => layers.map((_, i) => (i === layers.length - 1 ? 1 : 1 - s)) };
    const trainer = new SparseTrainer(tinyMlp(), {
      strategy: rigl({ sparsity: 0.8, totalSteps: 30, updateEvery: 5, drop: columnRelative, distribution: lastDense }),
      optimizer: tf.train.momentum(0.05, 0.9),
      loss: 'categoricalCrossentropy',
    });
    const losses = await train(trainer, 30);
    const layers = trainer.summary().layers;
    expect(layers[layers.length - 1]!.density).toBe(1);
    expect(layers[0]!.density).toBeCloseTo(0.2, 2);
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses.slice(0, 5).reduce((a, b) => a + b) / 5);
    trainer.dispose();
  });

  it('dense trains through the engine with nothing masked', async () => {
    const trainer = new SparseTrainer(tinyMlp(), { strategy: dense(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const losses = await train(trainer, 20);
    expect(trainer.summary().sparsity).toBe(0);
    expect(trainer.flops().trainingRatio).toBe(1);
    expect(losses[19]!).toBeLessThan(losses[0]!);
    trainer.dispose();
  });
});

describe('magnitudePruning scope', () => {
  it("is per layer by default and global (global magnitude pruning) with scope 'global', in TypeScript and JSON", async () => {
    const { resolveStrategy } = await import('../index.js');
    expect(magnitudePruning({ sparsity: 0.9, totalSteps: 1000 }).update!.scope).toBeUndefined();
    expect(magnitudePruning({ sparsity: 0.9, totalSteps: 1000, scope: 'global' }).update!.scope).toBe('global');
    expect(resolveStrategy({ method: 'pruning', sparsity: 0.9, scope: 'global' }, { totalSteps: 1000 }).update!.scope).toBe('global');
    expect(resolveStrategy({ method: 'custom', sparsity: 0.9, update: { drop: { kind: 'magnitude' }, targetSparsity: { kind: 'polynomial' }, scope: 'global' } }, { totalSteps: 1000 }).update!.scope).toBe('global');
  });
});
