import { createComponent, cosineScheduleDescriptor, constantScheduleDescriptor, linearScheduleDescriptor, showValue, updateSchedule } from '@topiary/core';
import type { GrowInitializer, Schedule, UpdateSchedule } from '@topiary/core';
import { zerosInit } from '@topiary/grow';

/** Drop-fraction schedule shapes a preset may use. */
export type DropScheduleKind = 'cosine' | 'constant' | 'linear';

/** The update fields of a preset's options. */
export interface UpdateWindowOptions {
  /** Steps between mask updates (ΔT). @default 100 */
  readonly updateEvery?: number | undefined;
  /** First step at which masks may change. @default 0 */
  readonly begin?: number | undefined;
  /** Fraction of totalSteps after which masks stop changing (T_end). */
  readonly end?: number | undefined;
}

/** The update schedule [begin, end·totalSteps) every ΔT, validated with field names of preset `name`. */
export function presetUpdateSchedule(name: string, totalSteps: number, options: UpdateWindowOptions, defaults: { end: number; every?: number | undefined }): UpdateSchedule {
  const every = options.updateEvery ?? defaults.every ?? 100;
  const fail = (field: string, value: unknown, must: string): never => {
    throw new RangeError(`${name}.${field}: ${must} (got ${showValue(value)})`);
  };
  if (!(Number.isInteger(every) && every > 0)) fail('updateEvery', every, 'must be a positive integer');
  const endFraction = options.end ?? defaults.end;
  if (!(Number.isFinite(endFraction) && endFraction > 0 && endFraction <= 1)) fail('end', endFraction, 'must be a fraction of totalSteps in (0, 1]');
  const begin = options.begin ?? 0;
  const end = Math.max(1, Math.round(endFraction * totalSteps));
  if (!(Number.isInteger(begin) && begin >= 0 && begin < end)) fail('begin', begin, `must be an integer step in [0, T_end = ${end}) (T_end = end ${endFraction} × totalSteps ${totalSteps})`);
  return updateSchedule({ begin, end, every });
}

/** A drop-fraction schedule of the given shape over the update window, from `initial` at its begin to `floor` at its end (core's schedules). */
export function dropFractionSchedule(kind: DropScheduleKind, initial: number, schedule: UpdateSchedule, floor = 0): Schedule {
  const window = { begin: schedule.begin, end: schedule.end };
  if (kind === 'constant') return createComponent(constantScheduleDescriptor, { value: initial });
  if (kind === 'cosine') return createComponent(cosineScheduleDescriptor, { initial, floor }, { context: window });
  return createComponent(linearScheduleDescriptor, { initial, floor }, { context: window });
}

/** The default grown-weight initialiser (zeros, as in RigL). */
export function defaultGrowInit(options: { readonly growInit?: GrowInitializer | undefined }): GrowInitializer {
  return options.growInit ?? zerosInit();
}
