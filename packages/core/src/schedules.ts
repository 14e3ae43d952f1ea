import type { Schedule, UpdateSchedule } from './types.js';
import { check, checkFraction, checkNonNegativeInteger, checkPositiveInteger, checkSparsity } from './validate.js';

/** A schedule that always returns `value`. */
export function constantSchedule(value: number): Schedule {
  check(Number.isFinite(value), 'constant.value', value, 'a finite number');
  return { kind: 'constant', valueAt: () => value };
}

/** Options of {@link cosineSchedule}. */
export interface CosineScheduleOptions {
  /** Value at step 0 (RigL's α). */
  initial: number;
  /** Step at which the value reaches `floor` (RigL's T_end). */
  end: number;
  /** Value reached at `end` and kept after it. @default 0 */
  floor?: number;
}

/**
 * Cosine decay (RigL, Evci et al. 2020, eq. 1): f(t) = floor + (α − floor)/2 · (1 + cos(π t / T_end)) for
 * t < T_end, then floor. With floor 0 this is RigL's α/2·(1 + cos(πt/T_end)); SNFS decays to 0.005.
 */
export function cosineSchedule(options: CosineScheduleOptions): Schedule {
  const { initial, end, floor = 0 } = options;
  check(Number.isFinite(initial), 'cosine.initial', initial, 'a finite number');
  checkPositiveInteger(end, 'cosine.end');
  check(Number.isFinite(floor), 'cosine.floor', floor, 'a finite number');
  return {
    kind: 'cosine',
    valueAt: (t) => (t >= end ? floor : floor + ((initial - floor) / 2) * (1 + Math.cos((Math.PI * Math.max(t, 0)) / end))),
  };
}

/** Options of {@link inversePowerSchedule}. */
export interface InversePowerScheduleOptions {
  /** Value at step 0. */
  initial: number;
  /** Step at which the value reaches 0. */
  end: number;
  /** Exponent k; k = 1 is linear decay. @default 1 */
  power?: number;
}

/** Inverse power decay (RigL appendix): f(t) = α (1 − t/T_end)^k for t < T_end, then 0. k = 1 is linear. */
export function inversePowerSchedule(options: InversePowerScheduleOptions): Schedule {
  const { initial, end, power = 1 } = options;
  check(Number.isFinite(initial), 'inversePower.initial', initial, 'a finite number');
  checkPositiveInteger(end, 'inversePower.end');
  check(Number.isFinite(power) && power > 0, 'inversePower.power', power, 'a positive number');
  return {
    kind: power === 1 ? 'linear' : 'inverse-power',
    valueAt: (t) => (t >= end ? 0 : initial * Math.pow(1 - Math.max(t, 0) / end, power)),
  };
}

/** Linear decay from `initial` at step 0 to 0 at `end` (inverse power with k = 1). */
export function linearSchedule(options: Omit<InversePowerScheduleOptions, 'power'>): Schedule {
  return inversePowerSchedule({ ...options, power: 1 });
}

/** Options of {@link polynomialSparsitySchedule}. */
export interface PolynomialSparsityOptions {
  /** Sparsity before `begin` (s_i). @default 0 */
  initial?: number;
  /** Sparsity reached at `end` and kept after it (s_f). */
  final: number;
  /** First pruning step t0. */
  begin: number;
  /** Step t0 + nΔt at which the final sparsity is reached. */
  end: number;
  /** Exponent. @default 3 */
  power?: number;
}

/**
 * Gradual pruning target (Zhu & Gupta 2017, eq. 1): s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³ for
 * t0 ≤ t ≤ t0 + nΔt; s_i before t0 and s_f after.
 */
export function polynomialSparsitySchedule(options: PolynomialSparsityOptions): Schedule {
  const { initial = 0, final, begin, end, power = 3 } = options;
  checkFraction(initial, 'polynomial.initial');
  checkSparsity(final, 'polynomial.final');
  checkNonNegativeInteger(begin, 'polynomial.begin');
  check(Number.isInteger(end) && end > begin, 'polynomial.end', end, `an integer greater than polynomial.begin (${begin})`);
  check(Number.isFinite(power) && power > 0, 'polynomial.power', power, 'a positive number');
  return {
    kind: 'polynomial',
    valueAt: (t) => {
      if (t <= begin) return initial;
      if (t >= end) return final;
      return final + (initial - final) * Math.pow(1 - (t - begin) / (end - begin), power);
    },
  };
}

/** Validates and returns an update schedule (every ΔT steps in [begin, end)). */
export function updateSchedule(options: UpdateSchedule): UpdateSchedule {
  const { begin, end, every } = options;
  checkNonNegativeInteger(begin, 'update.begin');
  check(Number.isInteger(end) && end > begin, 'update.end', end, `an integer greater than update.begin (${begin})`);
  checkPositiveInteger(every, 'update.every');
  return { begin, end, every };
}

/** Whether masks update at `step`: begin < step < end and (step − begin) divisible by every, so updates fall at begin + ΔT, begin + 2ΔT, … */
export function isUpdateStep(schedule: UpdateSchedule, step: number): boolean {
  return step > schedule.begin && step < schedule.end && (step - schedule.begin) % schedule.every === 0;
}
