// Each product of both implementations against tfjs (cpu) tf.matMul on the masked dense kernel.
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SparseProducts } from '../products/sparse-products.js';
import { sparseProducts } from '../select/select-products.js';
import { typescriptProducts } from '../typescript/typescript-products.js';
import { denseReference, makeCase, relativeError, TOLERANCE, type Case } from './fixtures.js';

let implementations: SparseProducts[];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const wasm = await sparseProducts({ implementation: 'wasm' });
  implementations = [typescriptProducts(), wasm];
});

/** Runs the three products of both implementations on `c` and holds them to the dense reference. */
function expectMatchesDense(c: Case): void {
  const ref = denseReference(c);
  for (const products of implementations) {
    const label = `${products.implementation} ${c.inputs}×${c.outputs} batch ${c.batch} nnz ${c.kernel.nnz}`;
    expect(relativeError(products.forward(c.kernel, c.x, c.batch), ref.y), `${label} forward`).toBeLessThanOrEqual(TOLERANCE);
    expect(relativeError(products.backwardInput(c.kernel, c.dy, c.batch), ref.dx), `${label} backwardInput`).toBeLessThanOrEqual(TOLERANCE);
    expect(relativeError(products.sampledGradient(c.kernel, c.x, c.dy, c.batch), ref.dw), `${label} sampledGradient`).toBeLessThanOrEqual(TOLERANCE);
  }
}

describe('the products against tf.matMul on the masked dense kernel', () => {
  it.each([
    ['batch 1', 7, 5, 1, 0.5],
    ['odd sizes, batch 3', 13, 17, 3, 0.6],
    ['batch 5 (padded to 8 in WASM)', 31, 29, 5, 0.7],
    ['batch 33 (vector chunks of 8 and 1)', 40, 24, 33, 0.8],
    ['batch 50 (vector chunks of 8, 4 and 1)', 45, 37, 50, 0.9],
    ['inputs = 1', 1, 19, 6, 0.3],
    ['outputs = 1', 23, 1, 6, 0.3],
    ['inputs = outputs = 1', 1, 1, 4, 0],
    ['LeNet-300-100 fc3 shape, batch 100', 100, 10, 100, 0.9],
  ] as const)('%s', (_name, inputs, outputs, batch, sparsity) => {
    expectMatchesDense(makeCase(inputs, outputs, batch, sparsity, inputs * 131 + outputs));
  });

  it('an output unit with no inputs and an input unit with no outputs give zeros there', () => {
    const c = makeCase(20, 12, 7, 0.5, 3, (i, o) => o !== 4 && i !== 9 && (i * 7 + o * 3) % 5 !== 0);
    expectMatchesDense(c);
    for (const products of implementations) {
      const y = products.forward(c.kernel, c.x, c.batch);
      const dx = products.backwardInput(c.kernel, c.dy, c.batch);
      for (let b = 0; b < c.batch; b++) {
        expect(y[b * 12 + 4]).toBe(0);
        expect(dx[b * 20 + 9]).toBe(0);
      }
    }
  });

  it('an all-zero mask gives zeros and an empty gradient', () => {
    const c = makeCase(9, 11, 5, 1, 4, () => false);
    expect(c.kernel.nnz).toBe(0);
    for (const products of implementations) {
      expect(Array.from(products.forward(c.kernel, c.x, c.batch))).toEqual(new Array(5 * 11).fill(0));
      expect(Array.from(products.backwardInput(c.kernel, c.dy, c.batch))).toEqual(new Array(5 * 9).fill(0));
      expect(products.sampledGradient(c.kernel, c.x, c.dy, c.batch)).toHaveLength(0);
    }
  });

  it('a full mask gives the dense products', () => {
    const c = makeCase(33, 27, 9, 0, 5, () => true);
    expect(c.kernel.nnz).toBe(33 * 27);
    expectMatchesDense(c);
  });

  it.each([0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999])('sparsity %s on 300 × 100, batch 20', (sparsity) => {
    expectMatchesDense(makeCase(300, 100, 20, sparsity, Math.round(sparsity * 1000)));
  });

  it('random shapes, batches and sparsities (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (inputs, outputs, batch, sparsity, seed) => {
          expectMatchesDense(makeCase(inputs, outputs, batch, sparsity, seed));
        },
      ),
      { numRuns: 60, seed: 20240601 },
    );
  });
});

describe('the two implementations', () => {
  it('agree on every product (1e-6 relative) over a LeNet-300-100 fc1 layer at 90% sparsity', () => {
    const c = makeCase(784, 300, 100, 0.9, 7);
    const [ts, wasm] = implementations as [SparseProducts, SparseProducts];
    expect(relativeError(wasm.forward(c.kernel, c.x, c.batch), ts.forward(c.kernel, c.x, c.batch))).toBeLessThanOrEqual(1e-6);
    expect(relativeError(wasm.backwardInput(c.kernel, c.dy, c.batch), ts.backwardInput(c.kernel, c.dy, c.batch))).toBeLessThanOrEqual(1e-6);
    expect(relativeError(wasm.sampledGradient(c.kernel, c.x, c.dy, c.batch), ts.sampledGradient(c.kernel, c.x, c.dy, c.batch))).toBeLessThanOrEqual(1e-6);
  });

  it('write into `out` when given and return it, overwriting what was there', () => {
    const c = makeCase(17, 9, 6, 0.5, 8);
    const ref = denseReference(c);
    for (const products of implementations) {
      const y = new Float32Array(6 * 9).fill(Number.NaN);
      const dx = new Float32Array(6 * 17).fill(Number.NaN);
      const dw = new Float32Array(c.kernel.nnz).fill(Number.NaN);
      expect(products.forward(c.kernel, c.x, c.batch, y)).toBe(y);
      expect(products.backwardInput(c.kernel, c.dy, c.batch, dx)).toBe(dx);
      expect(products.sampledGradient(c.kernel, c.x, c.dy, c.batch, dw)).toBe(dw);
      expect(relativeError(y, ref.y)).toBeLessThanOrEqual(TOLERANCE);
      expect(relativeError(dx, ref.dx)).toBeLessThanOrEqual(TOLERANCE);
      expect(relativeError(dw, ref.dw)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('see in-place updates of the kernel values (an optimiser step) on the next call', () => {
    const c = makeCase(12, 8, 4, 0.4, 9);
    for (const products of implementations) {
      const before = products.forward(c.kernel, c.x, c.batch);
      c.kernel.values.forEach((v, k) => (c.kernel.values[k] = 2 * v));
      const after = products.forward(c.kernel, c.x, c.batch);
      c.kernel.values.forEach((v, k) => (c.kernel.values[k] = v / 2));
      expect(relativeError(after, before.map((v) => 2 * v))).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});
