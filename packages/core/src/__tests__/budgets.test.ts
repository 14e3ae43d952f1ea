import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { budgetsFromDensities, densityBudget } from '../budgets.js';
import { findPrunableKernels } from '../layers.js';
import { tinyMlp } from '../testing/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('densityBudget', () => {
  it('rounds density · size to the nearest integer', () => {
    expect(densityBudget(0.1, 235200)).toBe(23520);
    expect(densityBudget(0.2345, 30000)).toBe(7035);
    expect(densityBudget(0.0005, 1000)).toBe(1);
    expect(densityBudget(1e-9, 1000)).toBe(0);
    expect(densityBudget(0.25, 6)).toBe(2); // 1.5 rounds up
  });

  it('stays within [0, size] for every density in [0, 1]', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1_000_000 }), (density, size) => {
        const budget = densityBudget(density, size);
        expect(Number.isInteger(budget) && budget >= 0 && budget <= size).toBe(true);
        expect(Math.abs(budget - density * size)).toBeLessThanOrEqual(0.5);
      }),
    );
    expect(densityBudget(0, 10)).toBe(0);
    expect(densityBudget(1, 10)).toBe(10);
  });
});

describe('budgetsFromDensities', () => {
  it('gives each masked layer its density budget, and names the layer of a density outside [0, 1]', () => {
    const model = tinyMlp();
    const kernels = findPrunableKernels(model);
    try {
      const densities = [0.1, 0.25, 1];
      expect(budgetsFromDensities(kernels, densities)).toEqual(kernels.map((k, i) => densityBudget(densities[i]!, k.shape.size)));
      expect(() => budgetsFromDensities(kernels, [0.1, 0.2])).toThrow(/distribution returned 2 densities for 3 masked layers/);
      expect(() => budgetsFromDensities(kernels, [0.1, Number.NaN, 0.2])).toThrow(new RegExp(`distribution density of layer ${kernels[1]!.shape.layerName} must be in \\[0, 1\\], got NaN`));
    } finally {
      model.dispose();
    }
  });
});
