import { describe, expect, it } from 'vitest';
import { erdosRenyi, erdosRenyiRaw } from '../index.js';
import { convLayer, denseLayer, lenet300100, lenet5, totalSize } from './fixtures.js';

describe('erdosRenyi', () => {
  it('uses (n_in + n_out) / (n_in · n_out) with channels for conv kernels, ignoring the kernel size', () => {
    expect(erdosRenyiRaw(denseLayer('d', 400, 120))).toBeCloseTo(520 / 48000, 15);
    expect(erdosRenyiRaw(convLayer('c', 5, 5, 6, 16))).toBeCloseTo(22 / 96, 15);
    expect(erdosRenyiRaw(convLayer('c', 3, 3, 6, 16))).toBe(erdosRenyiRaw(convLayer('c', 5, 5, 6, 16)));
  });

  it('solves ε so that Σ ε · raw_l · N_l equals the budget', () => {
    // 400·120 and 120·84 dense layers at S = 0.9: no layer needs to be made dense.
    const layers = [denseLayer('a', 400, 120), denseLayer('b', 120, 84)];
    const densities = erdosRenyi().densities(layers, 0.9);
    const budget = 0.1 * totalSize(layers);
    const epsilon = budget / (520 + 204);
    expect(densities[0]).toBeCloseTo((epsilon * 520) / 48000, 12);
    expect(densities[1]).toBeCloseTo((epsilon * 204) / 10080, 12);
  });

  it('makes the layer with the largest raw density dense first and re-solves', () => {
    const densities = erdosRenyi().densities(lenet5, 0.9);
    // conv1 (1 → 6 channels) has by far the largest raw density.
    expect(densities[0]).toBe(1);
    const sparse = [1, 2, 3, 4].filter((i) => densities[i]! < 1);
    for (const i of sparse) {
      expect(densities[i]! / erdosRenyiRaw(lenet5[i]!)).toBeCloseTo(densities[sparse[0]!]! / erdosRenyiRaw(lenet5[sparse[0]!]!), 9);
    }
    const nonzeros = densities.reduce((sum, d, i) => sum + d * lenet5[i]!.size, 0);
    expect(nonzeros).toBeCloseTo(0.1 * totalSize(lenet5), 6);
  });

  it('densifies every layer tied at the largest raw density in the same round', () => {
    const layers = [denseLayer('a', 10, 10), denseLayer('b', 10, 10), denseLayer('c', 1000, 1000)];
    const densities = erdosRenyi().densities(layers, 0.9);
    expect(densities[0]).toBe(1);
    expect(densities[1]).toBe(1);
    expect(densities[2]! * 1e6 + 200).toBeCloseTo(0.1 * totalSize(layers), 6);
  });

  it('holds named layers dense and counts their weights in the budget', () => {
    const densities = erdosRenyi({ dense: ['fc1'] }).densities(lenet300100, 0.1);
    expect(densities[0]).toBe(1);
    const nonzeros = densities.reduce((sum, d, i) => sum + d * lenet300100[i]!.size, 0);
    expect(nonzeros).toBeCloseTo(0.9 * totalSize(lenet300100), 6);
  });
});
