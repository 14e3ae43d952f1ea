// Shared pieces of the tests: seeded layers and operands, the dense tfjs (cpu) reference of each product on the
// masked kernel, and the relative error max|Δ| / max|ref| the products are held to.
import { Rng } from '@topiary/core';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { SparseKernel } from '../kernel/sparse-kernel.js';

/** The tolerance of every product against tfjs: max|Δ| / max|ref|. */
export const TOLERANCE = 1e-5;

/** A seeded uniform generator in [0, 1) (core's Rng). */
export function seeded(seed: number): () => number {
  const rng = Rng.fromSeed(seed);
  return () => rng.float();
}

/** One layer and a batch of operands for its products. */
export interface Case {
  readonly inputs: number;
  readonly outputs: number;
  readonly batch: number;
  readonly weights: Float32Array;
  readonly mask: Uint8Array;
  readonly x: Float32Array;
  readonly dy: Float32Array;
  readonly kernel: SparseKernel;
}

/** A seeded case: weights and operands uniform in [-1, 1), each weight kept with probability 1 − sparsity. */
export function makeCase(inputs: number, outputs: number, batch: number, sparsity: number, seed = 1, maskOf?: (i: number, o: number) => boolean): Case {
  const random = seeded(seed);
  const weights = Float32Array.from({ length: inputs * outputs }, () => 2 * random() - 1);
  const mask = new Uint8Array(inputs * outputs);
  for (let i = 0; i < inputs; i++) {
    for (let o = 0; o < outputs; o++) mask[i * outputs + o] = (maskOf ? maskOf(i, o) : random() >= sparsity) ? 1 : 0;
  }
  const x = Float32Array.from({ length: batch * inputs }, () => 2 * random() - 1);
  const dy = Float32Array.from({ length: batch * outputs }, () => 2 * random() - 1);
  return { inputs, outputs, batch, weights, mask, x, dy, kernel: SparseKernel.fromDense(weights, mask, inputs, outputs) };
}

/** The three products done densely by tfjs (cpu) on the masked kernel; dW sampled at the mask's ones, row-major. */
export function denseReference(c: Case): { y: Float32Array; dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const masked = tf.mul(tf.tensor2d(c.weights, [c.inputs, c.outputs]), tf.tensor2d(c.mask, [c.inputs, c.outputs], 'float32'));
    const x = tf.tensor2d(c.x, [c.batch, c.inputs]);
    const dy = tf.tensor2d(c.dy, [c.batch, c.outputs]);
    const y = tf.matMul(x, masked).dataSync() as Float32Array;
    const dx = tf.matMul(dy, masked, false, true).dataSync() as Float32Array;
    const full = tf.matMul(x, dy, true, false).dataSync() as Float32Array;
    const dw = new Float32Array(c.kernel.nnz);
    let k = 0;
    for (let p = 0; p < c.mask.length; p++) if (c.mask[p] === 1) dw[k++] = full[p]!;
    return { y: Float32Array.from(y), dx: Float32Array.from(dx), dw };
  });
}

/** max|actual − expected| / max|expected| (the absolute error when expected is all zeros); Infinity on a length mismatch. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let p = 0; p < expected.length; p++) {
    diff = Math.max(diff, Math.abs(actual[p]! - expected[p]!));
    scale = Math.max(scale, Math.abs(expected[p]!));
    if (Number.isNaN(actual[p]!)) return Infinity;
  }
  return scale === 0 ? diff : diff / scale;
}
