import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng, selectLowestActive } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { magnitudeDrop } from '../index.js';
import { contextOf, disposeContext, valuesOf } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('magnitudeDrop', () => {
  it('refuses an unknown option with the nearest one suggested', () => {
    expect(() => magnitudeDrop({ tieBreakNose: 1e-5 } as never)).toThrow('magnitude: unknown key "tieBreakNose" (did you mean "tieBreakNoise"?); allowed: tieBreakNoise');
  });

  it('scores |w| as a new float32 tensor of the kernel shape', async () => {
    const ctx = contextOf([2, 3], [0.5, -2, 0, 1.5, -0.25, 3], [1, 1, 0, 1, 1, 1]);
    const score = magnitudeDrop().score(ctx);
    expect(score.shape).toEqual([2, 3]);
    expect(score.dtype).toBe('float32');
    expect(score).not.toBe(ctx.weight);
    expect(await valuesOf(score)).toEqual([0.5, 2, 0, 1.5, 0.25, 3]);
    disposeContext(ctx);
  });

  it('drops the active weights closest to zero, ties by lower index', async () => {
    const ctx = contextOf([6], [0.3, -0.1, 0.05, 0.1, -4, 0.2], [1, 1, 0, 1, 1, 1]);
    const scores = await valuesOf(magnitudeDrop().score(ctx));
    expect([...selectLowestActive(scores, [1, 1, 0, 1, 1, 1], 2)]).toEqual([1, 3]);
    disposeContext(ctx);
  });

  it('draws no random numbers without tie-break noise', async () => {
    const ctx = contextOf([4], [1, 2, 3, 4], [1, 1, 1, 1], { seed: 7 });
    await valuesOf(magnitudeDrop().score(ctx));
    expect(ctx.rng.getState()).toEqual(Rng.fromSeed(7).getState());
    disposeContext(ctx);
  });

  it('adds σ·N(0, 1) noise from ctx.rng when tieBreakNoise = σ > 0', async () => {
    const sigma = 1e-3;
    const ctx = contextOf([2, 2], [0.5, -0.5, 0.5, 0], [1, 1, 1, 1], { seed: 3 });
    const scores = await valuesOf(magnitudeDrop({ tieBreakNoise: sigma }).score(ctx));
    const reference = Rng.fromSeed(3);
    const expected = [0.5, 0.5, 0.5, 0].map((m) => Math.fround(m + Math.fround(sigma * reference.normal())));
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 6));
    expect(new Set(scores).size).toBe(4);
    disposeContext(ctx);
  });

  it('gives identical noisy scores for the same seed and different ones for another seed', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const ctx = contextOf([8], [1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1], { seed });
      const values = await valuesOf(magnitudeDrop({ tieBreakNoise: 1e-5 }).score(ctx));
      disposeContext(ctx);
      return values;
    };
    expect(await run(11)).toEqual(await run(11));
    expect(await run(11)).not.toEqual(await run(12));
  });

  it('rejects a negative or non-finite tieBreakNoise, naming the field', () => {
    expect(() => magnitudeDrop({ tieBreakNoise: -1 })).toThrow(/magnitude\.tieBreakNoise.*-1/);
    expect(() => magnitudeDrop({ tieBreakNoise: Number.NaN })).toThrow(/magnitude\.tieBreakNoise/);
    expect(() => magnitudeDrop({ tieBreakNoise: Infinity })).toThrow(/magnitude\.tieBreakNoise/);
  });

  it('needs neither gradient nor momentum', () => {
    expect(magnitudeDrop().kind).toBe('magnitude');
    expect(magnitudeDrop().needs?.gradient ?? false).toBe(false);
    expect(magnitudeDrop().needs?.momentum ?? false).toBe(false);
  });
});
