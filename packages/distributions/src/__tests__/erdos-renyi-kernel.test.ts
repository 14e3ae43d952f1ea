import { describe, expect, it } from 'vitest';
import { densitiesToCounts, erdosRenyi, erdosRenyiKernel, erdosRenyiKernelRaw, uniform } from '../index.js';
import { convLayer, denseLayer, lenet300100, lenet5, totalSize } from './fixtures.js';

/** Whether a density, as a percentage, rounds to the printed figure at the printed number of decimals. */
function expectPrinted(density: number, printed: string): void {
  const decimals = printed.includes('.') ? printed.split('.')[1]!.length : 0;
  expect(Math.abs(density * 100 - Number(printed))).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
}

describe('erdosRenyiKernel', () => {
  it.each([
    [0.9, ['7.96', '23.0', '100']],
    [0.95, ['3.85', '11.1', '91.9']],
    [0.98, ['1.54', '4.45', '36.7']],
    [0.99, ['0.77', '2.23', '18.4']],
  ] as const)('reproduces the LeNet-300-100 worked example at S = %s', (sparsity, printed) => {
    const densities = erdosRenyiKernel().densities(lenet300100, sparsity);
    expect(densities).toHaveLength(3);
    densities.forEach((density, i) => expectPrinted(density, printed[i]!));
  });

  it('makes the output layer exactly dense at S = 0.9 and keeps the overall budget', () => {
    const densities = erdosRenyiKernel().densities(lenet300100, 0.9);
    expect(densities[2]).toBe(1);
    const nonzeros = densities.reduce((sum, d, i) => sum + d * lenet300100[i]!.size, 0);
    expect(nonzeros).toBeCloseTo(0.1 * totalSize(lenet300100), 6);
  });

  it('uses Σ shape / Π shape as the raw density, which is ER for dense kernels', () => {
    expect(erdosRenyiKernelRaw(convLayer('c', 3, 3, 16, 32))).toBeCloseTo((3 + 3 + 16 + 32) / (3 * 3 * 16 * 32), 15);
    expect(erdosRenyiKernelRaw(denseLayer('d', 784, 300))).toBeCloseTo((784 + 300) / (784 * 300), 15);
    // On dense-only models ERK and ER agree.
    expect(erdosRenyiKernel().densities(lenet300100, 0.95)).toEqual(erdosRenyi().densities(lenet300100, 0.95));
  });

  it('gives conv layers with larger kernels lower density than ER does', () => {
    const layers = [convLayer('c1', 7, 7, 32, 32), denseLayer('fc', 64, 64)];
    const erk = erdosRenyiKernel().densities(layers, 0.9);
    const er = erdosRenyi().densities(layers, 0.9);
    expect(erk[0]!).toBeLessThan(er[0]!);
    expect(erk[1]!).toBeGreaterThan(er[1]!);
  });

  it('keeps density ratios equal to raw-density ratios among the layers that stay sparse', () => {
    const densities = erdosRenyiKernel().densities(lenet5, 0.95);
    const raw = lenet5.map(erdosRenyiKernelRaw);
    const sparse = densities.map((d, i) => i).filter((i) => densities[i]! < 1);
    expect(sparse.length).toBeGreaterThan(1);
    for (const i of sparse) expect(densities[i]! / raw[i]!).toBeCloseTo(densities[sparse[0]!]! / raw[sparse[0]!]!, 9);
  });

  it('with powerScale 0 matches uniform, and with powerScale < 1 flattens the densities', () => {
    const flat = erdosRenyiKernel({ powerScale: 0 }).densities(lenet5, 0.9);
    flat.forEach((d, i) => expect(d).toBeCloseTo(uniform().densities(lenet5, 0.9)[i]!, 12));
    const full = erdosRenyiKernel().densities(lenet5, 0.9);
    const half = erdosRenyiKernel({ powerScale: 0.5 }).densities(lenet5, 0.9);
    const spread = (ds: number[]): number => Math.max(...ds) / Math.min(...ds);
    expect(spread(half)).toBeLessThan(spread(full));
    expect(spread(half)).toBeGreaterThan(spread(flat));
  });

  it('does not break down with a large powerScale', () => {
    const densities = erdosRenyiKernel({ powerScale: 400 }).densities(lenet5, 0.9);
    densities.forEach((d) => expect(d).toBeGreaterThanOrEqual(0));
    densities.forEach((d) => expect(d).toBeLessThanOrEqual(1));
    const nonzeros = densities.reduce((sum, d, i) => sum + d * lenet5[i]!.size, 0);
    expect(nonzeros).toBeCloseTo(0.1 * totalSize(lenet5), 6);
  });

  it('iterates the densification: at low sparsity several layers become dense, the rest carry the budget', () => {
    const densities = erdosRenyiKernel().densities(lenet5, 0.3);
    const dense = densities.filter((d) => d === 1).length;
    expect(dense).toBeGreaterThanOrEqual(2);
    const counts = densitiesToCounts(lenet5, densities);
    const total = counts.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - 0.7 * totalSize(lenet5))).toBeLessThanOrEqual(lenet5.length / 2);
  });

  it('is all ones at S = 0', () => {
    expect(erdosRenyiKernel().densities(lenet5, 0)).toEqual([1, 1, 1, 1, 1]);
    expect(erdosRenyi().densities(lenet5, 0)).toEqual([1, 1, 1, 1, 1]);
  });

  it('handles 1-D convolution kernels', () => {
    const conv1d = { ...convLayer('c1d', 5, 1, 8, 16), shape: [5, 8, 16], kernelSize: [5], size: 5 * 8 * 16 };
    expect(erdosRenyiKernelRaw(conv1d)).toBeCloseTo((5 + 8 + 16) / (5 * 8 * 16), 15);
    const densities = erdosRenyiKernel().densities([conv1d, denseLayer('fc', 100, 10)], 0.8);
    densities.forEach((d) => expect(d).toBeLessThanOrEqual(1));
  });
});
