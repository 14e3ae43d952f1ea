import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectLowestActive } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { saliencyDrop } from '../index.js';
import { contextOf, disposeContext, valuesOf } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('saliencyDrop', () => {
  it('scores |w · g|', async () => {
    const ctx = contextOf([2, 2], [0.5, -2, 3, -1], [1, 1, 1, 1], { gradient: [4, 0.25, -1, -3] });
    const score = saliencyDrop().score(ctx);
    expect(score.shape).toEqual([2, 2]);
    expect(score.dtype).toBe('float32');
    expect(await valuesOf(score)).toEqual([2, 0.5, 3, 3]);
    disposeContext(ctx);
  });

  it('drops a large weight with a tiny gradient before a small weight with a large gradient', async () => {
    const mask = [1, 1, 1, 1];
    const ctx = contextOf([4], [10, 0.1, 1, -1], mask, { gradient: [0.001, 5, 1, 2] });
    const scores = await valuesOf(saliencyDrop().score(ctx));
    expect([...selectLowestActive(scores, mask, 1)]).toEqual([0]);
    disposeContext(ctx);
  });

  it('declares that it needs the gradient and throws a clear error without it', () => {
    expect(saliencyDrop().kind).toBe('saliency');
    expect(saliencyDrop().needs?.gradient).toBe(true);
    const ctx = contextOf([2], [1, 2], [1, 1]);
    expect(() => saliencyDrop().score(ctx)).toThrow(/saliency drop: gradient .*needs\.gradient/);
    disposeContext(ctx);
  });

  it('rejects a gradient whose shape differs from the kernel (no silent broadcasting)', () => {
    const ctx = contextOf([2, 2], [1, 2, 3, 4], [1, 1, 1, 1]);
    const gradient = tf.tensor([1, 2], [1, 2]);
    expect(() => saliencyDrop().score({ ...ctx, gradient })).toThrow(/gradient\.shape.*\[2, 2\].*\[1, 2\]/);
    gradient.dispose();
    disposeContext(ctx);
  });
});
