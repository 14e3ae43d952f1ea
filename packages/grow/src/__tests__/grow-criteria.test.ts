import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng, selectHighestInactive } from '@topiary/core';
import type { GrowCriterion } from '@topiary/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GSE_UNSAMPLED_SCORE, gradientGrow, growCriterionKinds, gseGrow, gseSubsetSize, momentumGrow, randomGrow } from '../index.js';
import type { GrowCriterionKind } from '../index.js';
import { contextOf, disposeContext, valuesOf } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const factories: Record<GrowCriterionKind, () => GrowCriterion> = {
  random: randomGrow,
  gradient: gradientGrow,
  momentum: momentumGrow,
  gse: gseGrow,
};

// A 2×4 kernel: inactive positions are 1, 2, 4, 6 (their weights are 0).
const shape = [2, 4];
const weight = [0.5, 0, 0, -0.3, 0, 0.8, 0, 0.1];
const mask = [1, 0, 0, 1, 0, 1, 0, 1];
const gradient = [9, -0.5, 0.25, 7, -3, 6, 0.5, 8];
const momentum = [-5, 0.1, -2, 4, 0.3, 6, -0.3, 1];

function context(seed = 1, count = 2) {
  return { ...contextOf(shape, weight, mask, { gradient, momentum, seed }), count };
}

describe('gradientGrow', () => {
  it('scores |g| of the dense gradient', async () => {
    const ctx = context();
    const score = gradientGrow().score(ctx);
    expect(score.shape).toEqual(shape);
    expect(await valuesOf(score)).toEqual(gradient.map(Math.abs));
    disposeContext(ctx);
  });

  it('with selectHighestInactive grows the inactive positions with the largest |g|, ignoring active ones', async () => {
    const ctx = context();
    const scores = await valuesOf(gradientGrow().score(ctx));
    // Largest |g| overall are active (0, 7, 3); among inactive: |-3| at 4, then 0.5 at 1 and 6 (tie -> lower index 1).
    expect([...selectHighestInactive(scores, mask, 1)]).toEqual([4]);
    expect([...selectHighestInactive(scores, mask, 2)]).toEqual([1, 4]);
    expect([...selectHighestInactive(scores, mask, 3)]).toEqual([1, 4, 6]);
    disposeContext(ctx);
  });

  it('declares needs.gradient and throws naming the missing input', () => {
    expect(gradientGrow().needs).toEqual({ gradient: true });
    const ctx = contextOf(shape, weight, mask);
    expect(() => gradientGrow().score(ctx)).toThrow(/gradient grow: gradient .*needs\.gradient/);
    disposeContext(ctx);
  });
});

describe('momentumGrow', () => {
  it('scores |m| of the dense-gradient momentum', async () => {
    const ctx = context();
    const score = momentumGrow().score(ctx);
    expect(score.shape).toEqual(shape);
    expect(await valuesOf(score)).toEqual(momentum.map((m) => Math.abs(Math.fround(m))));
    disposeContext(ctx);
  });

  it('with selectHighestInactive grows the inactive positions with the largest |m|', async () => {
    const ctx = context();
    const scores = await valuesOf(momentumGrow().score(ctx));
    // Inactive |m|: 1 -> 0.1, 2 -> 2, 4 -> 0.3, 6 -> 0.3.
    expect([...selectHighestInactive(scores, mask, 1)]).toEqual([2]);
    expect([...selectHighestInactive(scores, mask, 2)]).toEqual([2, 4]);
    expect([...selectHighestInactive(scores, mask, 3)]).toEqual([2, 4, 6]);
    disposeContext(ctx);
  });

  it('declares needs.momentum (not the gradient) and throws naming the missing input', () => {
    expect(momentumGrow().needs).toEqual({ momentum: true });
    const ctx = contextOf(shape, weight, mask, { gradient });
    expect(() => momentumGrow().score(ctx)).toThrow(/momentum grow: momentum .*needs\.momentum/);
    disposeContext(ctx);
  });

  it('rejects a momentum whose shape differs from the kernel', () => {
    const ctx = context();
    const wrong = tf.zeros([4, 2]);
    expect(() => momentumGrow().score({ ...ctx, momentum: wrong })).toThrow(/momentum\.shape.*\[2, 4\].*\[4, 2\]/);
    wrong.dispose();
    disposeContext(ctx);
  });
});

describe('gseGrow', () => {
  it('scores |g| on a subset of ⌈γ·k⌉ distinct positions drawn from ctx.rng, −1 elsewhere', async () => {
    const ctx = context(3, 2);
    const scores = await valuesOf(gseGrow({ subsetFactor: 1.5 }).score(ctx));
    const sampled = scores.map((s, p) => (s === GSE_UNSAMPLED_SCORE ? -1 : p)).filter((p) => p >= 0);
    expect(sampled).toHaveLength(gseSubsetSize(1.5, 2, 8));
    expect(sampled).toHaveLength(3);
    for (const p of sampled) expect(scores[p]).toBe(Math.abs(gradient[p]!));
    const again = await valuesOf(gseGrow({ subsetFactor: 1.5 }).score(context(3, 2)));
    expect(again).toEqual(scores);
    disposeContext(ctx);
  });

  it('grows within the subset by |g| and differs from RigL across seeds', async () => {
    const grownBySeed = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const ctx = context(seed, 1);
      const scores = await valuesOf(gseGrow().score(ctx));
      const grown = [...selectHighestInactive(scores, mask, 1)];
      const sampledInactive = scores.map((s, p) => (s !== GSE_UNSAMPLED_SCORE && mask[p] === 0 ? p : -1)).filter((p) => p >= 0);
      const best = sampledInactive.sort((a, b) => Math.abs(gradient[b]!) - Math.abs(gradient[a]!) || a - b)[0];
      // the sampled inactive position of largest |g|, or the lowest-index inactive one when the subset held none
      expect(grown).toEqual([best ?? 1]);
      grownBySeed.add(grown.join(','));
      disposeContext(ctx);
    }
    // RigL grows position 4 (|g| = 3) every time; GSE grows it only when it was sampled
    expect(grownBySeed.size).toBeGreaterThan(1);
  });

  it('refuses a context without the count to grow, and a subset factor below 1', () => {
    const ctx = contextOf(shape, weight, mask, { gradient, seed: 1 });
    expect(() => gseGrow().score(ctx)).toThrow(/count to grow must be known/);
    expect(() => gseGrow({ subsetFactor: 0.5 })).toThrow(/subsetFactor: must be ≥ 1 \(got 0.5\)/);
    disposeContext(ctx);
  });
});

describe('randomGrow', () => {
  it('scores with host uniforms from ctx.rng in flat order', async () => {
    const ctx = context(5);
    const score = randomGrow().score(ctx);
    expect(score.shape).toEqual(shape);
    expect(await valuesOf(score)).toEqual(Array.from(Rng.fromSeed(5).uniformArray(8)));
    disposeContext(ctx);
  });

  it('with selectHighestInactive grows the same positions for the same seed and covers all inactive ones across seeds', async () => {
    const grown = async (seed: number): Promise<number[]> => {
      const ctx = context(seed);
      const scores = await valuesOf(randomGrow().score(ctx));
      disposeContext(ctx);
      return [...selectHighestInactive(scores, mask, 2)];
    };
    expect(await grown(3)).toEqual(await grown(3));
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) for (const i of await grown(seed)) seen.add(i);
    expect([...seen].sort()).toEqual([1, 2, 4, 6]);
  });

  it('needs neither gradient nor momentum', () => {
    expect(randomGrow().needs?.gradient ?? false).toBe(false);
    expect(randomGrow().needs?.momentum ?? false).toBe(false);
  });
});

describe('grow criteria: shared contract', () => {
  it('growCriterionKinds lists exactly the kinds the factories produce', () => {
    expect([...growCriterionKinds].sort()).toEqual(Object.keys(factories).sort());
    for (const kind of growCriterionKinds) expect(factories[kind]().kind).toBe(kind);
  });

  it.each(growCriterionKinds)('%s returns a new float32 tensor, leaks nothing and leaves the inputs alone', (kind) => {
    const ctx = context();
    const before = tf.memory().numTensors;
    const score = factories[kind]().score(ctx);
    expect(score.dtype).toBe('float32');
    expect([ctx.weight, ctx.mask, ctx.gradient, ctx.momentum]).not.toContain(score);
    score.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect([ctx.weight, ctx.mask, ctx.gradient!, ctx.momentum!].some((t) => t.isDisposed)).toBe(false);
    disposeContext(ctx);
  });

  it.each(growCriterionKinds)('%s scores without synchronous tensor reads', (kind) => {
    const spies = (['dataSync', 'arraySync', 'bufferSync'] as const).map((name) => vi.spyOn(tf.Tensor.prototype, name));
    const ctx = context();
    factories[kind]().score(ctx).dispose();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    disposeContext(ctx);
  });
});
