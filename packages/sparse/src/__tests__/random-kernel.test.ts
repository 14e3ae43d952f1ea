import { describe, expect, it } from 'vitest';
import { randomSparseKernel } from '../kernel/random-kernel.js';
import { seeded } from './fixtures.js';

describe('randomSparseKernel', () => {
  it('keeps about 1 − sparsity of the weights, values in [−0.5, 0.5), the same kernel for the same source', () => {
    const kernel = randomSparseKernel(200, 50, 0.9, seeded(3));
    expect(kernel.inputs).toBe(200);
    expect(kernel.outputs).toBe(50);
    expect(kernel.density).toBeGreaterThan(0.08);
    expect(kernel.density).toBeLessThan(0.12);
    expect(kernel.values.every((v) => v >= -0.5 && v < 0.5)).toBe(true);
    const again = randomSparseKernel(200, 50, 0.9, seeded(3));
    expect([...again.columnIndices]).toEqual([...kernel.columnIndices]);
    expect([...again.values]).toEqual([...kernel.values]);
  });

  it('gives an empty kernel at sparsity 1 and a full one at sparsity 0', () => {
    expect(randomSparseKernel(7, 3, 1, seeded(1)).nnz).toBe(0);
    expect(randomSparseKernel(7, 3, 0, seeded(1)).nnz).toBe(21);
  });
});
