import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runConformanceSuite } from '@topiary/core/testing';
import { describe, expect, it } from 'vitest';
import { mest, resolveStrategy } from '../index.js';

describe('mest preset', () => {
  it('drops by |w| + λ|g| and grows at random on RigL\'s schedule; written as JSON it resolves to the same', () => {
    const s = mest({ sparsity: 0.9, totalSteps: 1000, lambda: 0.01 });
    expect(s.name).toBe('mest');
    expect(s.distribution.kind).toBe('erk');
    expect(s.update!.drop.kind).toBe('mest');
    expect(s.update!.drop.needs?.gradient).toBe(true);
    expect(s.update!.grow!.kind).toBe('random');
    expect(s.update!.schedule).toEqual({ begin: 0, end: 750, every: 100 });
    expect(s.update!.dropFraction!.valueAt(0)).toBeCloseTo(0.3, 12);
    const json = resolveStrategy({ method: 'mest', sparsity: 0.9, lambda: 0.01 }, { totalSteps: 1000 });
    expect(json.update!.schedule).toEqual(s.update!.schedule);
    expect(json.update!.drop.kind).toBe('mest');
  });

  it('needs λ and refuses a negative one, in TypeScript and JSON', () => {
    expect(() => mest({ sparsity: 0.9, totalSteps: 100 } as never)).toThrow(/mest\.lambda: .*\(missing\)/);
    expect(() => resolveStrategy({ method: 'mest', sparsity: 0.9, lambda: -1 }, { totalSteps: 100, root: 'algorithm' })).toThrow('algorithm.lambda: must be ≥ 0 (got -1)');
  });
});

runConformanceSuite({
  name: 'cpu (mest)',
  setup: async () => {
    await tf.setBackend('cpu');
  },
  strategies: { mest: { masks: 'change', create: (c) => mest({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery, lambda: 0.01 }) } },
});
