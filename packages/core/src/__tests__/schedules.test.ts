import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantSchedule, cosineSchedule, inversePowerSchedule, isUpdateStep, linearSchedule, polynomialSparsitySchedule, updateSchedule } from '../schedules.js';

describe('schedules', () => {
  it("RigL's cosine starts at α, halves at T_end/2 and reaches 0 at T_end", () => {
    const f = cosineSchedule({ initial: 0.3, end: 1000 });
    expect(f.valueAt(0)).toBeCloseTo(0.3, 12);
    expect(f.valueAt(500)).toBeCloseTo(0.15, 12);
    expect(f.valueAt(1000)).toBe(0);
    expect(f.valueAt(5000)).toBe(0);
  });

  it('cosine equals α/2·(1 + cos(πt/T_end)) at sampled steps', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 100000 }), fc.double({ min: 0, max: 1, noNaN: true }), (alpha, end, u) => {
        const t = Math.floor(u * end);
        expect(cosineSchedule({ initial: alpha, end }).valueAt(t)).toBeCloseTo((alpha / 2) * (1 + Math.cos((Math.PI * t) / end)), 12);
      }),
    );
  });

  it("SNFS's cosine with floor decays to the floor and stays there", () => {
    const f = cosineSchedule({ initial: 0.5, end: 100, floor: 0.005 });
    expect(f.valueAt(0)).toBeCloseTo(0.5, 12);
    expect(f.valueAt(50)).toBeCloseTo(0.005 + 0.495 / 2, 12);
    expect(f.valueAt(100)).toBe(0.005);
    expect(f.valueAt(1e6)).toBe(0.005);
  });

  it('inverse power and linear follow α(1 − t/T)^k', () => {
    expect(inversePowerSchedule({ initial: 0.3, end: 100, power: 3 }).valueAt(50)).toBeCloseTo(0.3 * 0.125, 12);
    expect(linearSchedule({ initial: 0.3, end: 100 }).valueAt(25)).toBeCloseTo(0.225, 12);
    expect(linearSchedule({ initial: 0.3, end: 100 }).valueAt(100)).toBe(0);
    expect(constantSchedule(0.3).valueAt(12345)).toBe(0.3);
  });

  it('polynomial sparsity follows Zhu & Gupta with power 3', () => {
    const s = polynomialSparsitySchedule({ initial: 0, final: 0.9, begin: 100, end: 1100 });
    expect(s.valueAt(0)).toBe(0);
    expect(s.valueAt(100)).toBe(0);
    expect(s.valueAt(600)).toBeCloseTo(0.9 + (0 - 0.9) * Math.pow(0.5, 3), 12);
    expect(s.valueAt(1100)).toBe(0.9);
    expect(s.valueAt(5000)).toBe(0.9);
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 1099 }), (t) => {
        expect(s.valueAt(t + 1)).toBeGreaterThanOrEqual(s.valueAt(t));
      }),
    );
  });

  it('update steps fall every ΔT after begin and stop before end', () => {
    const u = updateSchedule({ begin: 0, end: 350, every: 100 });
    const steps = Array.from({ length: 500 }, (_, t) => t).filter((t) => isUpdateStep(u, t));
    expect(steps).toEqual([100, 200, 300]);
  });

  it('refuses bad input, naming the field and the allowed range', () => {
    expect(() => updateSchedule({ begin: 0, end: 100, every: 0 })).toThrow(/update\.every must be a positive integer, got 0/);
    expect(() => updateSchedule({ begin: 10, end: 5, every: 1 })).toThrow(/update\.end must be an integer greater than update\.begin \(10\), got 5/);
    expect(() => cosineSchedule({ initial: 0.3, end: -1 })).toThrow(/cosine\.end must be a positive integer, got -1/);
    expect(() => polynomialSparsitySchedule({ final: 1, begin: 0, end: 10 })).toThrow(/polynomial\.final must be a number in \[0, 1\), got 1/);
    expect(() => inversePowerSchedule({ initial: 0.3, end: 10, power: 0 })).toThrow(/inversePower\.power must be a positive number/);
  });
});
