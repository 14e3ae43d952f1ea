import { check, cosineSchedule, updateSchedule } from '@topiary/core';
import type { Distribution, DropCriterion, GrowCriterion, GrowInitializer, Schedule, UpdateSchedule } from '@topiary/core';
import { zerosInit } from '@topiary/grow';
import { z } from 'zod';
import { formatPath } from '@topiary/core';
import { endFractionField, positiveIntField, sparsityField, stepField } from '../config/schema.js';
import { describeIssue, formatValue } from '../config/suggest.js';

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

function hasMethods(value: unknown, ...names: string[]): boolean {
  return value !== null && typeof value === 'object' && names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

/** A {@link Distribution} object in preset options. */
export const distributionOption = z.custom<Distribution>((v) => hasMethods(v, 'densities'), { message: 'must be a Distribution (an object with densities(), e.g. erdosRenyiKernel())' });
/** A {@link GrowInitializer} object in preset options. */
export const growInitOption = z.custom<GrowInitializer>((v) => hasMethods(v, 'values'), { message: 'must be a GrowInitializer (an object with values(), e.g. zerosInit())' });
/** A {@link DropCriterion} object in preset options. */
export const dropOption = z.custom<DropCriterion>((v) => hasMethods(v, 'score'), { message: 'must be a DropCriterion (an object with score(), e.g. magnitudeDrop())' });
/** A {@link GrowCriterion} object in preset options. */
export const growOption = z.custom<GrowCriterion>((v) => hasMethods(v, 'score'), { message: 'must be a GrowCriterion (an object with score(), e.g. gradientGrow())' });

/** The fields of {@link PresetOptions}, checked with the same ranges as the JSON configs. */
export const presetFields = { sparsity: sparsityField, totalSteps: positiveIntField, distribution: distributionOption.optional() };
/** The fields of {@link UpdateOptions}, checked with the same ranges as the JSON configs. */
export const updateOptionFields = { updateEvery: positiveIntField.optional(), begin: stepField.optional(), end: endFractionField.optional(), growInit: growInitOption.optional() };

/**
 * Checks a preset's options with its zod schema (the ranges, contradictions and unknown keys of the JSON configs)
 * and throws a RangeError naming each field as `preset.field` with the refused value.
 */
export function checkPresetOptions(name: string, schema: z.ZodType, options: unknown): void {
  check(options != null && typeof options === 'object', name, options, 'an options object with sparsity and totalSteps');
  const result = schema.safeParse(options, { reportInput: true });
  if (result.success) return;
  const lines = result.error.issues.map((issue) => {
    const { path, message } = describeIssue(issue);
    return `${formatPath(name, path)}: ${message}`;
  });
  throw new RangeError(lines.join('\n'));
}

/** The update schedule [begin, end·totalSteps) every ΔT, validated with field names of preset `name`. */
export function presetUpdateSchedule(name: string, totalSteps: number, options: UpdateOptions, defaults: { end: number }): UpdateSchedule {
  const every = options.updateEvery ?? 100;
  const fail = (field: string, value: unknown, must: string): never => {
    throw new RangeError(`${name}.${field}: ${must} (got ${formatValue(value)})`);
  };
  if (!(Number.isInteger(every) && every > 0)) fail('updateEvery', every, 'must be a positive integer');
  const endFraction = options.end ?? defaults.end;
  if (!(Number.isFinite(endFraction) && endFraction > 0 && endFraction <= 1)) fail('end', endFraction, 'must be a fraction of totalSteps in (0, 1]');
  const begin = options.begin ?? 0;
  const end = Math.max(1, Math.round(endFraction * totalSteps));
  if (!(Number.isInteger(begin) && begin >= 0 && begin < end)) fail('begin', begin, `must be an integer step in [0, T_end = ${end}) (T_end = end ${endFraction} × totalSteps ${totalSteps})`);
  return updateSchedule({ begin, end, every });
}

/** A drop-fraction schedule of the given shape, from `initial` at `begin` to `floor` at the schedule's end. */
export function dropFractionSchedule(name: string, kind: DropScheduleKind, initial: number, schedule: UpdateSchedule, floor = 0): Schedule {
  if (!(Number.isFinite(initial) && initial >= 0 && initial <= 1)) throw new RangeError(`${name}.dropFraction: must be in [0, 1] (got ${formatValue(initial)})`);
  if (!(Number.isFinite(floor) && floor >= 0 && floor <= initial)) throw new RangeError(`${name}.floor: must be in [0, dropFraction = ${initial}] (got ${formatValue(floor)})`);
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
