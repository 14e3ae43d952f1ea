import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomDrop } from '../index.js';
import { contextOf, disposeContext, valuesOf } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('randomDrop', () => {
  it('scores with host uniforms from ctx.rng in flat order, shaped like the kernel', async () => {
    const ctx = contextOf([2, 3], [1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 1], { seed: 42 });
    const score = randomDrop().score(ctx);
    expect(score.shape).toEqual([2, 3]);
    expect(score.dtype).toBe('float32');
    expect(await valuesOf(score)).toEqual(Array.from(Rng.fromSeed(42).uniformArray(6)));
    disposeContext(ctx);
  });

  it('does not depend on the weights, and differs between seeds', async () => {
    const a = contextOf([5], [1, 2, 3, 4, 5], [1, 1, 1, 1, 1], { seed: 9 });
    const b = contextOf([5], [-9, 0, 9, 0, 9], [1, 0, 1, 0, 1], { seed: 9 });
    const c = contextOf([5], [1, 2, 3, 4, 5], [1, 1, 1, 1, 1], { seed: 10 });
    const [sa, sb, sc] = await Promise.all([a, b, c].map((ctx) => valuesOf(randomDrop().score(ctx))));
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    for (const s of sa!) expect(s >= 0 && s < 1).toBe(true);
    [a, b, c].forEach(disposeContext);
  });

  it('rejects a layer whose size does not match the kernel', () => {
    const ctx = { ...contextOf([4], [1, 2, 3, 4], [1, 1, 1, 1]) };
    const bad = { ...ctx, layer: { ...ctx.layer, size: 5 } };
    expect(() => randomDrop().score(bad)).toThrow(/layer\.size.*4.*got 5/);
    disposeContext(ctx);
  });

  it('needs neither gradient nor momentum', () => {
    expect(randomDrop().kind).toBe('random');
    expect(randomDrop().needs?.gradient ?? false).toBe(false);
    expect(randomDrop().needs?.momentum ?? false).toBe(false);
  });
});
