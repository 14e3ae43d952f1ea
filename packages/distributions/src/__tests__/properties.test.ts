import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Distribution, LayerShape } from '@topiary/core';
import { densitiesToCounts, erdosRenyi, erdosRenyiKernel, uniform } from '../index.js';
import { layerStackArb, sparsityArb, totalSize } from './fixtures.js';

/** Checks densities in [0, 1] and the total within one weight per layer of (1 − S) · Σ size. */
function expectBudgetKept(layers: readonly LayerShape[], densities: readonly number[], sparsity: number): void {
  expect(densities).toHaveLength(layers.length);
  for (const d of densities) {
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThanOrEqual(1);
  }
  const total = densitiesToCounts(layers, densities).reduce((a, b) => a + b, 0);
  expect(Math.abs(total - (1 - sparsity) * totalSize(layers))).toBeLessThanOrEqual(layers.length);
}

const factories: readonly [string, (dense?: string[]) => Distribution][] = [
  ['uniform', (dense) => uniform({ dense })],
  ['er', (dense) => erdosRenyi({ dense })],
  ['erk', (dense) => erdosRenyiKernel({ dense })],
  ['erk with a power scale', (dense) => erdosRenyiKernel({ dense, powerScale: 0.7 })],
];

describe.each(factories)('%s on random layer stacks', (_, make) => {
  it('keeps the budget and every density in [0, 1]', () => {
    fc.assert(
      fc.property(layerStackArb, sparsityArb, (layers, sparsity) => {
        expectBudgetKept(layers, make().densities(layers, sparsity), sparsity);
      }),
      { numRuns: 300 },
    );
  });

  it('holds named layers dense when they fit in the budget, and refuses them otherwise', () => {
    const caseArb = layerStackArb.chain((layers) =>
      fc.record({
        layers: fc.constant(layers),
        dense: fc.subarray(layers.map((l) => l.layerName)),
        sparsity: sparsityArb,
      }),
    );
    fc.assert(
      fc.property(caseArb, ({ layers, dense, sparsity }) => {
        const denseWeights = layers.filter((l) => dense.includes(l.layerName)).reduce((s, l) => s + l.size, 0);
        // Round-off below a billionth of the model is tolerated (e.g. S = 1e-17 with every layer dense).
        const fits = denseWeights <= (1 - sparsity) * totalSize(layers) + 1e-9 * totalSize(layers);
        if (!fits) {
          expect(() => make(dense).densities(layers, sparsity)).toThrow(/\.dense must be layers holding at most/);
          return;
        }
        const densities = make(dense).densities(layers, sparsity);
        layers.forEach((l, i) => {
          if (dense.includes(l.layerName)) expect(densities[i]).toBe(1);
        });
        expectBudgetKept(layers, densities, sparsity);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Erdős–Rényi solutions on random stacks', () => {
  it.each([
    ['er', erdosRenyi()],
    ['erk', erdosRenyiKernel()],
  ] as const)('%s: every sparse layer shares one ε, and no dense layer has a smaller raw density than a sparse one', (_, distribution) => {
    fc.assert(
      fc.property(layerStackArb, sparsityArb, (layers, sparsity) => {
        const densities = distribution.densities(layers, sparsity);
        const raw = layers.map((l) => (distribution.kind === 'er' ? (l.fanIn + l.fanOut) / (l.fanIn * l.fanOut) : l.shape.reduce((a, b) => a + b, 0) / l.size));
        const sparse = layers.map((_, i) => i).filter((i) => densities[i]! < 1);
        const denseRaws = layers.map((_, i) => i).filter((i) => densities[i] === 1).map((i) => raw[i]!);
        if (sparse.length === 0) return;
        const epsilon = densities[sparse[0]!]! / raw[sparse[0]!]!;
        for (const i of sparse) expect(densities[i]! / raw[i]!).toBeCloseTo(epsilon, 6);
        // A layer made dense by the iteration has a raw density at least that of every layer left sparse
        // (layers whose ε · raw_l rounds to exactly 1 may also read as dense).
        const maxSparseRaw = Math.max(...sparse.map((i) => raw[i]!));
        for (const r of denseRaws) expect(r * epsilon).toBeGreaterThanOrEqual(maxSparseRaw * epsilon - 1e-9);
      }),
      { numRuns: 300 },
    );
  });
});
