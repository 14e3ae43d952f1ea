import { describe, expect, it } from 'vitest';
import { densityBudget } from '@topiary/core';
import type { Distribution, LayerShape } from '@topiary/core';
import { densitiesToCounts, erdosRenyi, erdosRenyiKernel, overallSparsity, uniform } from '../index.js';
import { lenet300100, lenet5, totalSize } from './fixtures.js';

const distributions: readonly [string, Distribution][] = [
  ['uniform', uniform()],
  ['er', erdosRenyi()],
  ['erk', erdosRenyiKernel()],
  ['erk, powerScale 0.5', erdosRenyiKernel({ powerScale: 0.5 })],
];
const stacks: readonly [string, readonly LayerShape[]][] = [
  ['LeNet-300-100', lenet300100],
  ['LeNet-5-like conv + dense', lenet5],
];
const sparsities = [0, 0.1, 0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999];

describe.each(distributions)('%s keeps the nonzero budget', (_, distribution) => {
  it.each(stacks)('on %s', (_, layers) => {
    for (const sparsity of sparsities) {
      const densities = distribution.densities(layers, sparsity);
      expect(densities).toHaveLength(layers.length);
      for (const d of densities) {
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
      }
      const counts = densitiesToCounts(layers, densities);
      const total = counts.reduce((a, b) => a + b, 0);
      expect(Math.abs(total - (1 - sparsity) * totalSize(layers))).toBeLessThanOrEqual(layers.length);
      expect(overallSparsity(layers, counts)).toBeCloseTo(sparsity, 3);
    }
  });
});

describe('densitiesToCounts and overallSparsity', () => {
  it('rounds density · size and clamps to the layer size', () => {
    expect(densitiesToCounts(lenet300100, [0.1, 0.2345, 1])).toEqual([23520, 7035, 1000]);
    expect(densitiesToCounts(lenet300100, [0, 1e-9, 0.0005])).toEqual([0, 0, 1]);
  });

  it("rounds exactly as core's densityBudget, the engine's budgets", () => {
    const densities = [0.123456, 0.5, 0.0001];
    expect(densitiesToCounts(lenet300100, densities)).toEqual(lenet300100.map((layer, i) => densityBudget(densities[i]!, layer.size)));
  });

  it('computes 1 − Σ active / Σ size', () => {
    expect(overallSparsity(lenet300100, [23520, 3000, 100])).toBeCloseTo(1 - 26620 / 266200, 15);
    expect(overallSparsity(lenet300100, [0, 0, 0])).toBe(1);
    expect(overallSparsity(lenet300100, [235200, 30000, 1000])).toBe(0);
  });

  it('rejects mismatched lengths and out-of-range entries, naming the field', () => {
    expect(() => densitiesToCounts(lenet300100, [0.1, 0.2])).toThrow(/densities must be a list of 3 densities.*got 2/);
    expect(() => densitiesToCounts(lenet300100, [0.1, 1.5, 0.2])).toThrow(/densities\[1\] must be a number in \[0, 1\], got 1.5/);
    expect(() => densitiesToCounts(lenet300100, [0.1, Number.NaN, 0.2])).toThrow(/densities\[1\].*got NaN/);
    expect(() => overallSparsity(lenet300100, [1, 2])).toThrow(/counts must be a list of 3 active counts.*got 2/);
    expect(() => overallSparsity(lenet300100, [1, 30001, 2])).toThrow(/counts\[1\] must be an integer in \[0, 30000\].*got 30001/);
    expect(() => overallSparsity(lenet300100, [1, 2.5, 2])).toThrow(/counts\[1\].*got 2.5/);
  });
});
