import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@topiary/core';
import { expect } from 'vitest';

/** Standard-normal float32 values from a seeded generator. */
export function normalValues(rng: Rng, size: number): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.normal();
  return values;
}

/** Runs `compute` on the named backend and returns its values; every tensor it makes is disposed. */
export async function valuesOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor): Promise<Float32Array | Int32Array> {
  await tf.setBackend(backend);
  const result = tf.tidy(compute);
  try {
    return (await result.data()) as Float32Array | Int32Array;
  } finally {
    result.dispose();
  }
}

/** Asserts element-wise agreement within `relative` of each reference value (absolute below magnitude 1). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    if (!(error <= worst)) {
      worst = error;
      worstAt = i;
    }
  }
  expect(worst, `largest relative error at index ${worstAt}`).toBeLessThanOrEqual(relative);
}

/** Σ a·b in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** max |actual − expected| / max |expected|: the relative error of the whole result, as BLAS tests measure it. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]!) !== Number.isNaN(actual[i]!)) return Infinity;
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!) || 0);
    scale = Math.max(scale, Math.abs(expected[i]!) || 0);
  }
  return scale === 0 ? diff : diff / scale;
}
