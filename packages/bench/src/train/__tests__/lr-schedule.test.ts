import { describe, expect, it } from 'vitest';
import { learningRateAt } from '../lr-schedule.js';

describe('learningRateAt', () => {
  it('keeps a constant rate', () => {
    expect([0, 3, 9].map((e) => learningRateAt({ kind: 'constant' }, 0.1, e, 10))).toEqual([0.1, 0.1, 0.1]);
  });

  it('multiplies by gamma at each milestone epoch', () => {
    const schedule = { kind: 'multistep' as const, milestones: [2, 4], gamma: 0.1 };
    const rates = [0, 1, 2, 3, 4, 5].map((e) => learningRateAt(schedule, 1, e, 6));
    expect(rates[0]).toBe(1);
    expect(rates[1]).toBe(1);
    expect(rates[2]).toBeCloseTo(0.1, 12);
    expect(rates[3]).toBeCloseTo(0.1, 12);
    expect(rates[4]).toBeCloseTo(0.01, 12);
  });

  it('anneals along a half cosine from the base to final · base', () => {
    const schedule = { kind: 'cosine', final: 0.1 } as const;
    expect(learningRateAt(schedule, 1, 0, 4)).toBe(1);
    expect(learningRateAt(schedule, 1, 2, 4)).toBeCloseTo(0.55, 12);
    expect(learningRateAt(schedule, 1, 3, 4)).toBeCloseTo(0.1 + 0.9 * (1 + Math.cos((3 * Math.PI) / 4)) / 2, 12);
  });

  it('refuses an epoch out of range', () => {
    expect(() => learningRateAt({ kind: 'constant' }, 0.1, 10, 10)).toThrow(/epoch must be an integer in \[0, 10\), got 10/);
  });
});
