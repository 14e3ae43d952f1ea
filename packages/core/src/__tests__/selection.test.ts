import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countActive, randomMask, selectHighest, selectHighestInactive, selectLowestActive } from '../selection.js';

/** Brute force: sort all candidate indices by (score, index) and take k. */
function reference(scores: number[], mask: number[], k: number, active: boolean, lowest: boolean): number[] {
  const pool = scores.map((s, i) => ({ s, i })).filter(({ i }) => (mask[i] !== 0) === active);
  pool.sort((a, b) => (a.s === b.s ? a.i - b.i : lowest ? a.s - b.s : b.s - a.s));
  return pool
    .slice(0, k)
    .map(({ i }) => i)
    .sort((a, b) => a - b);
}

const scoreArb = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -10, max: 10, noNaN: true }));
const caseArb = fc
  .array(fc.tuple(scoreArb, fc.boolean()), { minLength: 1, maxLength: 200 })
  .chain((entries) => {
    const scores = entries.map(([s]) => s);
    const mask = entries.map(([, m]) => (m ? 1 : 0));
    const active = mask.filter((m) => m === 1).length;
    return fc.record({
      scores: fc.constant(scores),
      mask: fc.constant(mask),
      kActive: fc.integer({ min: 0, max: active }),
      kInactive: fc.integer({ min: 0, max: mask.length - active }),
    });
  });

describe('selection primitives', () => {
  it('selectLowestActive equals a brute-force sort, ties broken by lower index', () => {
    fc.assert(
      fc.property(caseArb, ({ scores, mask, kActive }) => {
        expect([...selectLowestActive(scores, mask, kActive)]).toEqual(reference(scores, mask, kActive, true, true));
      }),
      { numRuns: 500 },
    );
  });

  it('selectHighestInactive equals a brute-force sort, ties broken by lower index', () => {
    fc.assert(
      fc.property(caseArb, ({ scores, mask, kInactive }) => {
        expect([...selectHighestInactive(scores, mask, kInactive)]).toEqual(reference(scores, mask, kInactive, false, false));
      }),
      { numRuns: 500 },
    );
  });

  it('selectHighest ranks every position', () => {
    expect([...selectHighest([1, 5, 5, 0, 7], 3)]).toEqual([1, 2, 4]);
  });

  it('breaks all-equal ties towards the lowest indices', () => {
    const scores = new Float32Array(10);
    expect([...selectLowestActive(scores, new Uint8Array(10).fill(1), 3)]).toEqual([0, 1, 2]);
    expect([...selectHighestInactive(scores, new Uint8Array(10), 4)]).toEqual([0, 1, 2, 3]);
  });

  it('refuses k larger than the candidate pool, naming the bound', () => {
    expect(() => selectLowestActive([1, 2, 3], [1, 0, 0], 2)).toThrow(/k must be an integer in \[0, 1\].*got 2/);
    expect(() => selectHighestInactive([1, 2], [1, 2, 3], 1)).toThrow(/length/);
  });

  it('randomMask places exactly the requested number of ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (size, d) => {
        const active = Math.floor(size * d);
        const mask = randomMask(size, active, Math.random);
        expect(countActive(mask)).toBe(active);
      }),
    );
  });
});
