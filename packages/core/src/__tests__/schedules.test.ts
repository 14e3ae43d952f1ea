import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createComponent } from '../descriptor.js';
import {
  constantSchedule,
  cosineSchedule,
  cosineScheduleDescriptor,
  inversePowerSchedule,
  inversePowerScheduleDescriptor,
  isUpdateStep,
  linearSchedule,
  linearScheduleDescriptor,
  polynomialScheduleDescriptor,
  polynomialSparsitySchedule,
  scheduleDescriptors,
  updateSchedule,
} from '../schedules.js';

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
    expect(() => cosineSchedule({ initial: 0.3, end: -1 })).toThrow(/cosine\.end: must be ≥ 0 \(got -1\)/);
    expect(() => cosineSchedule({ initial: 0.3, begin: 50, end: 50 })).toThrow(/cosine\.end must be an integer step greater than cosine\.begin \(50\), got 50/);
    expect(() => polynomialSparsitySchedule({ final: 1, begin: 0, end: 10 })).toThrow(/polynomial\.final must be a number in \[0, 1\), got 1/);
    expect(() => inversePowerSchedule({ initial: 0.3, end: 10, power: 0 })).toThrow(/inverse-power\.power: must be > 0 \(got 0\)/);
    expect(() => createComponent(cosineScheduleDescriptor, { initial: 0.3, flor: 0.1 } as never, { context: { begin: 0, end: 10 } })).toThrow(/unknown key "flor" \(did you mean "floor"\?\)/);
  });

  it('every schedule starts at its initial value at begin, holds it before, and reaches its final value at end', () => {
    const window = { begin: 100, end: 600, final: 0.9 };
    const cases = [
      { schedule: createComponent(cosineScheduleDescriptor, { initial: 0.5, floor: 0.1 }, { context: window }), first: 0.5, last: 0.1 },
      { schedule: createComponent(linearScheduleDescriptor, { initial: 0.5 }, { context: window }), first: 0.5, last: 0 },
      { schedule: createComponent(inversePowerScheduleDescriptor, { initial: 0.5, power: 2 }, { context: window }), first: 0.5, last: 0 },
      { schedule: createComponent(polynomialScheduleDescriptor, {}, { context: window }), first: 0, last: 0.9 },
    ];
    for (const { schedule, first, last } of cases) {
      expect(schedule.valueAt(0), schedule.kind).toBeCloseTo(first, 12);
      expect(schedule.valueAt(100), schedule.kind).toBeCloseTo(first, 12);
      expect(schedule.valueAt(600), schedule.kind).toBeCloseTo(last, 12);
      expect(schedule.valueAt(10_000), schedule.kind).toBeCloseTo(last, 12);
    }
  });

  it("a schedule's own begin and end override the window it is built for", () => {
    const own = createComponent(cosineScheduleDescriptor, { initial: 0.4, begin: 200, end: 400 }, { context: { begin: 0, end: 1000 } });
    expect(own.valueAt(200)).toBeCloseTo(0.4, 12);
    expect(own.valueAt(300)).toBeCloseTo(0.2, 12);
    expect(own.valueAt(400)).toBe(0);
    const shifted = cosineSchedule({ initial: 0.4, begin: 200, end: 400 });
    const unshifted = cosineSchedule({ initial: 0.4, end: 200 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 600 }), (t) => shifted.valueAt(t + 200) === unshifted.valueAt(t)));
  });

  it('lists one descriptor per kind, each with a one-line doc', () => {
    expect(scheduleDescriptors.map((d) => d.kind)).toEqual(['constant', 'cosine', 'linear', 'inverse-power', 'polynomial', 'cyclic']);
    for (const d of scheduleDescriptors) {
      expect(d.family).toBe('schedule');
      expect(d.doc).not.toMatch(/\n/);
    }
  });
});
