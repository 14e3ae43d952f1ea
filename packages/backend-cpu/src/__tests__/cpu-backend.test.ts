import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

describe('cpu()', () => {
  it('describes the backend without starting anything', () => {
    const descriptor = cpu();
    expect(descriptor).toMatchObject({ name: 'cpu', tfBackend: 'cpu' });
    expect(tf.engine().backendNames()).not.toContain('cpu');
  });

  it('setup() registers the CPU backend, makes it active and reports its version', async () => {
    const info = await cpu().setup();
    expect(info).toEqual({ name: 'cpu', details: 'pure JavaScript (@tensorflow/tfjs-backend-cpu 4.22.0), no SIMD, single thread' });
    expect(tf.getBackend()).toBe('cpu');
    const product = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    expect(Array.from(await product.data())).toEqual([19, 22, 43, 50]);
    product.dispose();
  });

  it('setup() is idempotent: the same backend instance stays active and tensors survive', async () => {
    const kept = tf.tensor1d([1, 2, 3]);
    const backend = tf.backend();
    const again = await cpu().setup();
    expect(again.name).toBe('cpu');
    expect(tf.backend()).toBe(backend);
    expect(Array.from(await kept.data())).toEqual([1, 2, 3]);
    kept.dispose();
  });
});
