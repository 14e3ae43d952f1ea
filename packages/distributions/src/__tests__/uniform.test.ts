import { describe, expect, it } from 'vitest';
import { densitiesToCounts, overallSparsity, uniform } from '../index.js';
import { lenet300100, lenet5, totalSize } from './fixtures.js';

describe('uniform', () => {
  it('gives every layer density 1 − S', () => {
    expect(uniform().densities(lenet5, 0.9).map((d) => d.toFixed(12))).toEqual(Array(5).fill((0.1).toFixed(12)));
    expect(uniform().densities(lenet300100, 0)).toEqual([1, 1, 1]);
  });

  it('with denseFirstLayer keeps the first layer dense and the others at 1 − S, so overall sparsity is below S', () => {
    const densities = uniform({ denseFirstLayer: true }).densities(lenet5, 0.9);
    expect(densities[0]).toBe(1);
    densities.slice(1).forEach((d) => expect(d).toBeCloseTo(0.1, 12));
    const sparsity = overallSparsity(lenet5, densitiesToCounts(lenet5, densities));
    expect(sparsity).toBeLessThan(0.9);
    expect(sparsity).toBeCloseTo(1 - (150 + 0.1 * (totalSize(lenet5) - 150)) / totalSize(lenet5), 4);
  });

  it('with dense layers keeps them at 1 and thins the others so the overall sparsity stays S', () => {
    const densities = uniform({ dense: ['fc3'] }).densities(lenet300100, 0.9);
    expect(densities[2]).toBe(1);
    const rest = (0.1 * 266200 - 1000) / (235200 + 30000);
    expect(densities[0]).toBeCloseTo(rest, 12);
    expect(densities[1]).toBeCloseTo(rest, 12);
    const counts = densitiesToCounts(lenet300100, densities);
    expect(Math.abs(counts.reduce((a, b) => a + b, 0) - 26620)).toBeLessThanOrEqual(1);
  });

  it('matches dense layers by kernel name as well as by layer name', () => {
    expect(uniform({ dense: ['fc3/kernel'] }).densities(lenet300100, 0.9)).toEqual(
      uniform({ dense: ['fc3'] }).densities(lenet300100, 0.9),
    );
  });

  it('combines denseFirstLayer with dense layers: S then counts the layers after the first', () => {
    const densities = uniform({ denseFirstLayer: true, dense: ['fc3'] }).densities(lenet5, 0.8);
    expect(densities[0]).toBe(1);
    expect(densities[4]).toBe(1);
    const accounted = lenet5.slice(1);
    const nonzeros = densities.slice(1).reduce((sum, d, i) => sum + d * accounted[i]!.size, 0);
    expect(nonzeros).toBeCloseTo(0.2 * totalSize(accounted), 6);
  });

  it('handles a single layer under denseFirstLayer', () => {
    expect(uniform({ denseFirstLayer: true }).densities([lenet5[0]!], 0.9)).toEqual([1]);
  });
});
