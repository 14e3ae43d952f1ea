// The storage: fromDense / fromEntries / toDense round trips, sizes, and refused inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SparseKernel } from '../kernel/sparse-kernel.js';
import { makeCase } from './fixtures.js';

const masked = (weights: Float32Array, mask: Uint8Array): Float32Array => weights.map((w, p) => (mask[p] === 1 ? w : 0));

describe('SparseKernel', () => {
  it('fromDense → toDense gives the masked kernel and toMask the mask (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), (inputs, outputs, sparsity, seed) => {
        const c = makeCase(inputs, outputs, 1, sparsity, seed);
        expect(Array.from(c.kernel.toDense())).toEqual(Array.from(masked(c.weights, c.mask)));
        expect(Array.from(c.kernel.toMask())).toEqual(Array.from(c.mask));
        expect(c.kernel.nnz).toBe(c.mask.reduce((sum, m) => sum + m, 0));
      }),
      { numRuns: 100, seed: 7 },
    );
  });

  it('stores the nonzeros in row-major order of W, with CSR row pointers and ascending columns', () => {
    const weights = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const kernel = SparseKernel.fromDense(weights, Uint8Array.from([0, 1, 1, 1, 0, 1]), 2, 3);
    expect(Array.from(kernel.values)).toEqual([2, 3, 4, 6]);
    expect(Array.from(kernel.columnIndices)).toEqual([1, 2, 0, 2]);
    expect(Array.from(kernel.rowPointers)).toEqual([0, 2, 4]);
    expect(kernel.nnz).toBe(4);
    expect(kernel.density).toBeCloseTo(4 / 6);
    expect(kernel.bytes).toBe(4 * 4 + 4 * 4 + 3 * 4);
  });

  it('keeps a stored weight that is zero: the mask, not the value, says what exists', () => {
    const kernel = SparseKernel.fromDense(new Float32Array(4), Uint8Array.from([1, 0, 0, 1]), 2, 2);
    expect(kernel.nnz).toBe(2);
    expect(Array.from(kernel.toMask())).toEqual([1, 0, 0, 1]);
  });

  it('takes a float mask of 0/1 (as tfjs dataSync gives)', () => {
    const kernel = SparseKernel.fromDense(Float32Array.from([1, 2, 3, 4]), Float32Array.from([1, 0, 1, 1]), 2, 2);
    expect(Array.from(kernel.values)).toEqual([1, 3, 4]);
  });

  it('handles an all-zero and a full mask', () => {
    const weights = Float32Array.from({ length: 12 }, (_, p) => p + 1);
    const empty = SparseKernel.fromDense(weights, new Uint8Array(12), 3, 4);
    expect(empty.nnz).toBe(0);
    expect(Array.from(empty.rowPointers)).toEqual([0, 0, 0, 0]);
    expect(Array.from(empty.toDense())).toEqual(new Array(12).fill(0));
    const full = SparseKernel.fromDense(weights, new Uint8Array(12).fill(1), 3, 4);
    expect(Array.from(full.toDense())).toEqual(Array.from(weights));
  });

  it('holds a kernel of more than 2³¹ positions from its entries or CSR arrays, refusing only its dense forms', () => {
    const kernel = SparseKernel.fromEntries(1_000_000, 1_000_000, { rows: [999_999, 0], columns: [999_999, 5], values: [2, 1] });
    expect(kernel.nnz).toBe(2);
    expect([...kernel.columnIndices]).toEqual([5, 999_999]);
    const csr = SparseKernel.fromCsr(1_000_000, 1_000_000, kernel.values, kernel.rowPointers, kernel.columnIndices);
    expect(csr.bytes).toBe(kernel.bytes);
    expect(() => kernel.toDense()).toThrow(/SparseKernel.toDense: inputs · outputs must be at most 2³¹ − 1 \(inputs 1000000, outputs 1000000\) for a dense array/);
    expect(() => kernel.toMask()).toThrow(/SparseKernel.toMask: inputs · outputs/);
  });

  it('fromEntries in any order equals fromDense of the same kernel', () => {
    const c = makeCase(25, 18, 1, 0.7, 11);
    const entries: [number, number, number][] = [];
    for (let p = 0; p < c.mask.length; p++) if (c.mask[p] === 1) entries.push([Math.floor(p / 18), p % 18, c.weights[p]!]);
    entries.reverse();
    entries.sort((a, b) => ((a[0] * 7 + a[1] * 13) % 11) - ((b[0] * 7 + b[1] * 13) % 11));
    const kernel = SparseKernel.fromEntries(25, 18, { rows: entries.map((e) => e[0]), columns: entries.map((e) => e[1]), values: entries.map((e) => e[2]) });
    expect(Array.from(kernel.values)).toEqual(Array.from(c.kernel.values));
    expect(Array.from(kernel.columnIndices)).toEqual(Array.from(c.kernel.columnIndices));
    expect(Array.from(kernel.rowPointers)).toEqual(Array.from(c.kernel.rowPointers));
  });

  describe('refuses bad input, naming the field and the value', () => {
    const w6 = new Float32Array(6);
    const m6 = new Uint8Array(6);
    it.each([
      ['inputs 0', () => SparseKernel.fromDense(w6, m6, 0, 6), 'SparseKernel.fromDense: inputs must be a positive integer, got 0'],
      ['outputs 2.5', () => SparseKernel.fromDense(w6, m6, 2, 2.5), 'SparseKernel.fromDense: outputs must be a positive integer, got 2.5'],
      ['weights too short', () => SparseKernel.fromDense(new Float32Array(5), m6, 2, 3), 'SparseKernel.fromDense: weights.length must be inputs · outputs = 2 · 3 = 6, got 5'],
      ['weights not Float32Array', () => SparseKernel.fromDense([1, 2, 3, 4, 5, 6] as unknown as Float32Array, m6, 2, 3), 'SparseKernel.fromDense: weights must be a Float32Array, got "Array"'],
      ['mask too long', () => SparseKernel.fromDense(w6, new Uint8Array(7), 2, 3), 'SparseKernel.fromDense: mask.length must be inputs · outputs = 2 · 3 = 6, got 7'],
      ['mask value 2', () => SparseKernel.fromDense(w6, Uint8Array.from([0, 1, 0, 0, 2, 1]), 2, 3), 'SparseKernel.fromDense: mask[4] (row 1, column 1) must be 0 or 1, got 2'],
      ['mask value 0.5', () => SparseKernel.fromDense(w6, Float32Array.from([0, 0.5, 0, 0, 1, 1]), 2, 3), 'SparseKernel.fromDense: mask[1] (row 0, column 1) must be 0 or 1, got 0.5'],
      ['mask value NaN', () => SparseKernel.fromDense(w6, Float32Array.from([0, 1, Number.NaN, 0, 1, 1]), 2, 3), 'SparseKernel.fromDense: mask[2] (row 0, column 2) must be 0 or 1, got NaN'],
      ['shape too large', () => SparseKernel.fromDense(w6, m6, 65536, 65536), 'SparseKernel.fromDense: inputs · outputs must be at most 2³¹ − 1 (inputs 65536, outputs 65536) for a dense array, got 4294967296'],
      ['entry row out of range', () => SparseKernel.fromEntries(2, 3, { rows: [0, 2], columns: [0, 1], values: [1, 1] }), 'SparseKernel.fromEntries: rows[1] must be an integer in [0, 2), got 2'],
      ['entry column negative', () => SparseKernel.fromEntries(2, 3, { rows: [0, 1], columns: [-1, 1], values: [1, 1] }), 'SparseKernel.fromEntries: columns[0] must be an integer in [0, 3), got -1'],
      ['entry lengths differ', () => SparseKernel.fromEntries(2, 3, { rows: [0, 1], columns: [0], values: [1, 1] }), 'SparseKernel.fromEntries: columns.length must be rows.length = 2, got 1'],
      ['duplicate entry', () => SparseKernel.fromEntries(2, 3, { rows: [1, 0, 1], columns: [2, 0, 2], values: [1, 1, 1] }), 'SparseKernel.fromEntries: entry 2 must be a coordinate (row, column) given once, got [1,2]'],
    ] as const)('%s', (_name, build, message) => {
      expect(build).toThrow(RangeError);
      expect(build).toThrow(message);
    });
  });
});
