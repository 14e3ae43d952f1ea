import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { sampleDistinctPositions } from '../sample-positions.js';

describe('sampleDistinctPositions', () => {
  it('returns count distinct ascending positions in [0, size), the same for the same generator state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.nat(), fc.nat(), (size, countSeed, seed) => {
        const count = size === 0 ? 0 : countSeed % (size + 1);
        const positions = sampleDistinctPositions(size, count, Rng.fromSeed(seed));
        expect(positions.length).toBe(count);
        for (let i = 0; i < count; i++) {
          expect(Number.isInteger(positions[i])).toBe(true);
          expect(positions[i]).toBeGreaterThanOrEqual(0);
          expect(positions[i]).toBeLessThan(size);
          if (i > 0) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
        }
        expect([...sampleDistinctPositions(size, count, Rng.fromSeed(seed))]).toEqual([...positions]);
      }),
    );
  });

  it('picks every position about equally often (a uniform subset), below and above half the size', () => {
    for (const count of [3, 7]) {
      const hits = new Array<number>(10).fill(0);
      const rng = Rng.fromSeed(4);
      for (let r = 0; r < 4000; r++) for (const p of sampleDistinctPositions(10, count, rng)) hits[p]!++;
      const expected = (4000 * count) / 10;
      for (const h of hits) expect(Math.abs(h - expected)).toBeLessThan(0.08 * expected);
    }
  });

  it('draws from layers beyond 2³¹ positions without an array of their size', () => {
    const positions = sampleDistinctPositions(1e12, 1000, Rng.fromSeed(1));
    expect(positions.length).toBe(1000);
    expect(positions[999]!).toBeGreaterThan(2 ** 31);
  });

  it('refuses a count outside [0, size]', () => {
    expect(() => sampleDistinctPositions(5, 6, Rng.fromSeed(1))).toThrow(/count must be an integer in \[0, 5\], got 6/);
  });
});
