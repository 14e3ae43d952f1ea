import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RedistributionLayer } from '@topiary/core';
import { momentumRedistribution } from '../index.js';
import { denseLayer } from './fixtures.js';

/** A layer of `size` weights (10 × size/10) with `active` weights and the given mean momentum. */
function entry(name: string, size: number, active: number, meanMomentum: number): RedistributionLayer {
  return { layer: denseLayer(name, 10, size / 10), active, meanMomentum };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe('momentumRedistribution', () => {
  const redistribution = momentumRedistribution();

  it('declares its kind and that it needs momentum', () => {
    expect(redistribution.kind).toBe('momentum');
    expect(redistribution.needs).toEqual({ momentum: true });
  });

  it('splits in proportion to mean momentum when no layer is capped', () => {
    const layers = [entry('a', 1000, 100, 3), entry('b', 1000, 100, 1), entry('c', 1000, 100, 0)];
    expect(redistribution.allocate(layers, 100)).toEqual([75, 25, 0]);
  });

  it('rounds by largest remainder, ties to the earlier layer, summing exactly to the total', () => {
    const layers = [entry('a', 1000, 0, 1), entry('b', 1000, 0, 1), entry('c', 1000, 0, 1)];
    expect(redistribution.allocate(layers, 10)).toEqual([4, 3, 3]);
    expect(redistribution.allocate(layers, 11)).toEqual([4, 4, 3]);
    // Shares 2.5 / 1.25 / 1.25 → floors 2, 1, 1; one unit left goes to the largest remainder (0.5).
    expect(redistribution.allocate([entry('a', 100, 0, 2), entry('b', 100, 0, 1), entry('c', 100, 0, 1)], 5)).toEqual([3, 1, 1]);
  });

  it('caps a layer at its free capacity and spreads the overflow in proportion to momentum', () => {
    // a would take 80 but has room for 20; the other 60 go to b and c 2 : 1 on top of their 20 / 10.
    const layers = [entry('a', 100, 80, 8), entry('b', 1000, 0, 2), entry('c', 1000, 0, 1)];
    expect(redistribution.allocate(layers, 110)).toEqual([20, 60, 30]);
  });

  it('cascades the overflow through several capped layers', () => {
    // Round 1: a (76.9 > 10) is full, b (15.4) still has room; round 2: b's share of the 90 left is 60 > 30,
    // so b is full too; c takes the last 60.
    const layers = [entry('a', 100, 90, 10), entry('b', 100, 70, 2), entry('c', 1000, 0, 1)];
    expect(redistribution.allocate(layers, 100)).toEqual([10, 30, 60]);
  });

  it('fills zero-momentum layers by free capacity once the layers with momentum are full', () => {
    const layers = [entry('a', 100, 90, 1), entry('b', 100, 70, 0), entry('c', 100, 40, 0)];
    // a takes its 10; the remaining 30 split 30 : 60 by free capacity.
    expect(redistribution.allocate(layers, 40)).toEqual([10, 10, 20]);
  });

  it('falls back to free capacity when no layer has a usable momentum', () => {
    const layers = [entry('a', 100, 50, 0), entry('b', 100, 0, 0)];
    expect(redistribution.allocate(layers, 30)).toEqual([10, 20]);
    const nonFinite = [entry('a', 100, 50, Number.NaN), entry('b', 100, 0, Number.POSITIVE_INFINITY)];
    expect(redistribution.allocate(nonFinite, 30)).toEqual([10, 20]);
  });

  it('can fill every layer exactly', () => {
    const layers = [entry('a', 100, 90, 1), entry('b', 100, 70, 3)];
    expect(redistribution.allocate(layers, 40)).toEqual([10, 30]);
  });

  it('returns zeros for a total of 0, and an empty list for no layers', () => {
    expect(redistribution.allocate([entry('a', 100, 50, 1)], 0)).toEqual([0]);
    expect(redistribution.allocate([], 0)).toEqual([]);
  });

  it('rejects a total above the free capacity and bad inputs, naming the field', () => {
    const layers = [entry('a', 100, 90, 1), entry('b', 100, 70, 3)];
    expect(() => redistribution.allocate(layers, 41)).toThrow(/momentum\.total must be at most the total free capacity .* = 40, got 41/);
    expect(() => redistribution.allocate(layers, 2.5)).toThrow(/momentum\.total must be a non-negative integer, got 2.5/);
    expect(() => redistribution.allocate(layers, -1)).toThrow(/momentum\.total.*got -1/);
    expect(() => redistribution.allocate([entry('a', 100, 101, 1)], 0)).toThrow(/momentum\.layers\[0\]\.active must be an integer in \[0, 100\].*got 101/);
    expect(() => redistribution.allocate([entry('a', 100, 10, -2)], 1)).toThrow(/momentum\.layers\[0\]\.meanMomentum must be a mean \|momentum\| ≥ 0.*got -2/);
  });

  it('property: counts are integers in [0, capacity] summing exactly to the total, deterministic', () => {
    const layerArb = fc
      .record({
        size: fc.integer({ min: 1, max: 500 }),
        activeFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        meanMomentum: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e3, noNaN: true }), fc.constant(Number.NaN)),
      })
      .map(({ size, activeFraction, meanMomentum }) => ({
        layer: { ...denseLayer('x', 1, size) },
        active: Math.floor(activeFraction * size),
        meanMomentum,
      }));
    const caseArb = fc.array(layerArb, { minLength: 1, maxLength: 10 }).chain((layers) => {
      const capacity = sum(layers.map((l) => l.layer.size - l.active));
      return fc.record({ layers: fc.constant(layers), total: fc.integer({ min: 0, max: capacity }) });
    });
    fc.assert(
      fc.property(caseArb, ({ layers, total }) => {
        const counts = redistribution.allocate(layers, total);
        expect(counts).toHaveLength(layers.length);
        expect(sum(counts)).toBe(total);
        counts.forEach((count, i) => {
          expect(Number.isInteger(count)).toBe(true);
          expect(count).toBeGreaterThanOrEqual(0);
          expect(count).toBeLessThanOrEqual(layers[i]!.layer.size - layers[i]!.active);
        });
        expect(redistribution.allocate(layers, total)).toEqual(counts);
      }),
      { numRuns: 300 },
    );
  });

  it('property: uncapped layers get their momentum share to within one weight', () => {
    const caseArb = fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 1, maxLength: 8 }).chain((momenta) =>
      fc.record({ momenta: fc.constant(momenta), total: fc.integer({ min: 0, max: 1000 }) }),
    );
    fc.assert(
      fc.property(caseArb, ({ momenta, total }) => {
        // Capacity 1000 per layer: nobody is capped.
        const layers = momenta.map((m, i) => entry(`l${i}`, 1000, 0, m));
        const counts = redistribution.allocate(layers, total);
        const mSum = sum(momenta);
        counts.forEach((count, i) => expect(Math.abs(count - (total * momenta[i]!) / mSum)).toBeLessThan(1));
      }),
      { numRuns: 300 },
    );
  });

  it('property: a capped layer is full, and the others keep momentum proportions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (room, mB, mC) => {
          // Layer a carries almost all momentum and has `room` free; b and c share the rest.
          const layers = [entry('a', 1000, 1000 - room, 1e6), entry('b', 1000, 0, mB), entry('c', 1000, 0, mC)];
          const counts = redistribution.allocate(layers, 500);
          expect(counts[0]).toBe(room);
          const rest = 500 - room;
          expect(Math.abs(counts[1]! - (rest * mB) / (mB + mC))).toBeLessThan(1.01);
        },
      ),
      { numRuns: 200 },
    );
  });
});
