import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectLowestActive } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { magnitudeDrop, mestDrop } from '../index.js';
import { contextOf, disposeContext, valuesOf } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('mestDrop', () => {
  it('scores |w| + λ|g|', async () => {
    const ctx = contextOf([2, 2], [0.5, -2, 3, -1], [1, 1, 1, 1], { gradient: [4, 0.25, -1, -3] });
    expect(await valuesOf(mestDrop({ lambda: 0.5 }).score(ctx))).toEqual([2.5, 2.125, 3.5, 2.5]);
    disposeContext(ctx);
  });

  it('breaks a magnitude tie by the gradient: of two equal weights the one with less gradient goes', async () => {
    const mask = [1, 1, 1];
    const ctx = contextOf([3], [0.2, -0.2, 5], mask, { gradient: [3, 0.1, 0] });
    expect([...selectLowestActive(await valuesOf(mestDrop({ lambda: 0.01 }).score(ctx)), mask, 1)]).toEqual([1]);
    disposeContext(ctx);
  });

  it('with λ = 0 ranks as magnitude drop', async () => {
    const ctx = contextOf([4], [0.3, -0.1, 2, -4], [1, 1, 1, 1], { gradient: [9, 9, 9, 9] });
    expect(await valuesOf(mestDrop({ lambda: 0 }).score(ctx))).toEqual(await valuesOf(magnitudeDrop().score(ctx)));
    disposeContext(ctx);
  });

  it('needs the gradient and refuses a missing or negative λ, naming the field', () => {
    expect(mestDrop({ lambda: 0.1 }).needs?.gradient).toBe(true);
    const ctx = contextOf([2], [1, 2], [1, 1]);
    expect(() => mestDrop({ lambda: 0.1 }).score(ctx)).toThrow(/mest drop: gradient .*needs\.gradient/);
    disposeContext(ctx);
    expect(() => mestDrop({ lambda: -1 })).toThrow('mest.lambda: must be ≥ 0 (got -1)');
    expect(() => mestDrop({} as never)).toThrow(/mest\.lambda: .*\(missing\)/);
  });
});
