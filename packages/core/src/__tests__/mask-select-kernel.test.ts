import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MASK_SELECT_KERNEL, hasMaskSelectKernel, hostMaskSelectKernel, maskSelect, registerHostMaskSelect } from '../mask-select-kernel.js';
import { selectHighestInactive, selectLowestActive } from '../selection.js';
import { runMaskSelectSuite } from '../testing/index.js';

runMaskSelectSuite({
  name: 'cpu, host quickselect',
  setup: async () => {
    await tf.setBackend('cpu');
    registerHostMaskSelect('cpu');
  },
  largest: 200_003,
});

describe('maskSelect without a registered kernel (tfjs topk fallback)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => {
    registerHostMaskSelect('cpu');
  });

  it('selects the k lowest active or highest inactive positions when scores are distinct', async () => {
    tf.unregisterKernel(MASK_SELECT_KERNEL, 'cpu');
    expect(hasMaskSelectKernel()).toBe(false);
    const size = 3000;
    const scores = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453));
    const mask = Float32Array.from({ length: size }, (_, i) => (i % 3 === 0 ? 1 : 0));
    for (const [mode, k, positions] of [
      ['drop', 300, selectLowestActive(scores, mask, 300)],
      ['grow', 500, selectHighestInactive(scores, mask, 500)],
    ] as const) {
      const result = maskSelect(tf.tensor1d(scores), tf.tensor1d(mask), k, mode);
      const expected = Float32Array.from(mask);
      for (const p of positions) expected[p] = mode === 'drop' ? 0 : 1;
      expect(Array.from(await result.data())).toEqual(Array.from(expected));
      result.dispose();
    }
  });
});

describe('maskSelect input checks', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    registerHostMaskSelect('cpu');
  });

  it('names the shapes, dtypes, k and mode it refuses', () => {
    const scores = tf.tensor1d([1, 2, 3]);
    const mask = tf.tensor1d([1, 0, 1]);
    expect(() => maskSelect(tf.tensor2d([[1, 2, 3]]), mask, 1, 'drop')).toThrow(/scores \[1, 3\] and mask \[3\] must be flat and of one length/);
    expect(() => maskSelect(scores, tf.tensor1d([1, 0]), 1, 'drop')).toThrow(/must be flat and of one length/);
    expect(() => maskSelect(scores, tf.tensor1d([1, 0, 1], 'int32'), 1, 'drop')).toThrow(/mask \(int32\) must be float32/);
    expect(() => maskSelect(scores, mask, 4, 'drop')).toThrow(/k must be an integer in \[0, 3\], got 4/);
    expect(() => maskSelect(scores, mask, 1.5, 'grow')).toThrow(/got 1.5/);
    expect(() => maskSelect(scores, mask, 1, 'prune' as never)).toThrow(/mode must be 'drop' or 'grow', got prune/);
  });

  it('returns a copy of the mask for k = 0, and the host kernel refuses more than the candidates', async () => {
    const mask = tf.tensor1d([1, 0, 1]);
    const same = maskSelect(tf.tensor1d([3, 2, 1]), mask, 0, 'grow');
    expect(same).not.toBe(mask);
    expect(Array.from(await same.data())).toEqual([1, 0, 1]);
    expect(() => maskSelect(tf.tensor1d([3, 2, 1]), mask, 2, 'grow')).toThrow(/k must be an integer in \[0, 1\] \(inactive positions\), got 2/);
  });

  it('registers the host kernel once per backend name', () => {
    registerHostMaskSelect('cpu');
    expect(tf.getKernel(MASK_SELECT_KERNEL, 'cpu')?.kernelFunc).toBeDefined();
    expect(hostMaskSelectKernel('wasm')).toMatchObject({ kernelName: MASK_SELECT_KERNEL, backendName: 'wasm' });
  });
});

describe('maskSelect fallback with infinite scores', () => {
  it('selects only candidates even when scores are ±∞', async () => {
    await tf.setBackend('cpu');
    registerHostMaskSelect('cpu');
    tf.unregisterKernel(MASK_SELECT_KERNEL, 'cpu');
    try {
      const scores = tf.tensor1d([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0]);
      const mask = tf.tensor1d([1, 0, 1, 0, 1]);
      expect(Array.from(await maskSelect(scores, mask, 2, 'grow').data())).toEqual([1, 1, 1, 1, 1]);
      expect(Array.from(await maskSelect(scores, mask, 3, 'drop').data())).toEqual([0, 0, 0, 0, 0]);
    } finally {
      registerHostMaskSelect('cpu');
    }
  });
});
