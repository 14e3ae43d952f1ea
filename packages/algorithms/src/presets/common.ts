import { check, checkPositiveInteger, checkSparsity, cosineSchedule, updateSchedule } from '@topiary/core';
import type { Distribution, GrowInitializer, Schedule, UpdateSchedule } from '@topiary/core';
import { zerosInit } from '@topiary/grow';

/** Options every preset takes. */
export interface PresetOptions {
  /** Overall sparsity of the masked layers, in [0, 1). */
  sparsity: number;
  /** Optimizer steps the whole run takes; fractions such as T_end are taken of it. */
  totalSteps: number;
  /** Layer-wise distribution of the nonzero budget. @default depends on the preset */
  distribution?: Distribution;
}

/** Options of presets that move masks during training. */
export interface UpdateOptions {
  /** Steps between mask updates (ΔT). @default 100 */
  updateEvery?: number;
  /** First step at which masks may change. @default 0 */
  begin?: number;
  /** Fraction of `totalSteps` after which masks stop changing (T_end). @default 0.75 for RigL */
  end?: number;
  /** Starting values of grown weights. @default zerosInit() */
  growInit?: GrowInitializer;
}

/** Drop-fraction schedule shapes a preset may use. */
export type DropScheduleKind = 'cosine' | 'constant' | 'linear';

/** Checks the common preset options and returns the validated sparsity and totalSteps. */
export function checkPreset(name: string, options: PresetOptions): void {
  check(options != null && typeof options === 'object', name, options, 'an options object with sparsity and totalSteps');
  checkSparsity(options.sparsity, `${name}.sparsity`);
  checkPositiveInteger(options.totalSteps, `${name}.totalSteps`);
}

/** The update schedule [begin, end·totalSteps) every ΔT, validated with field names of preset `name`. */
export function presetUpdateSchedule(name: string, totalSteps: number, options: UpdateOptions, defaults: { end: number }): UpdateSchedule {
  const every = options.updateEvery ?? 100;
  checkPositiveInteger(every, `${name}.updateEvery`);
  const endFraction = options.end ?? defaults.end;
  check(Number.isFinite(endFraction) && endFraction > 0 && endFraction <= 1, `${name}.end`, endFraction, 'a fraction of totalSteps in (0, 1]');
  const begin = options.begin ?? 0;
  const end = Math.max(1, Math.round(endFraction * totalSteps));
  check(Number.isInteger(begin) && begin >= 0 && begin < end, `${name}.begin`, begin, `an integer step in [0, T_end = ${end})`);
  return updateSchedule({ begin, end, every });
}

/** A drop-fraction schedule of the given shape, from `initial` at `begin` to `floor` at the schedule's end. */
export function dropFractionSchedule(name: string, kind: DropScheduleKind, initial: number, schedule: UpdateSchedule, floor = 0): Schedule {
  check(Number.isFinite(initial) && initial >= 0 && initial <= 1, `${name}.dropFraction`, initial, 'a number in [0, 1]');
  const span = schedule.end - schedule.begin;
  if (kind === 'constant') return { kind: 'constant', valueAt: () => initial };
  if (kind === 'cosine') {
    const cosine = cosineSchedule({ initial, end: span, floor });
    return { kind: 'cosine', valueAt: (t) => cosine.valueAt(t - schedule.begin) };
  }
  if (kind === 'linear') {
    return { kind: 'linear', valueAt: (t) => (t >= schedule.end ? floor : floor + (initial - floor) * (1 - Math.max(0, t - schedule.begin) / span)) };
  }
  throw new RangeError(`${name}.dropSchedule must be 'cosine', 'constant' or 'linear', got ${JSON.stringify(kind)}`);
}

/** The default grown-weight initialiser (zeros, as in RigL). */
export function defaultGrowInit(options: UpdateOptions): GrowInitializer {
  return options.growInit ?? zerosInit();
}
