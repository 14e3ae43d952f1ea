import { z } from 'zod';
import { closedObject } from './closed-object.js';
import { createComponent, defineComponent, type ScheduleWindow } from './descriptor.js';
import type { MaskUpdatePolicy, Schedule, UpdateSchedule } from './types.js';
import { check, checkNonNegativeInteger, checkPositiveInteger } from './validate.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const step = z.number().int('must be an integer step').min(0, 'must be ≥ 0');
const offsets = {
  begin: step.optional().describe('First step of the decay; the value before it is the initial one. Default: the window\'s begin (the first update step).'),
  end: step.optional().describe('Step at which the final value is reached and kept. Default: the window\'s end.'),
};

/** The window [begin, end) a schedule spans, its own offsets first; `end` must come after `begin`. */
function span(options: { begin?: number | undefined; end?: number | undefined }, window: ScheduleWindow, kind: string): { begin: number; end: number } {
  const begin = options.begin ?? window.begin;
  const end = options.end ?? window.end;
  checkNonNegativeInteger(begin, `${kind}.begin`);
  check(Number.isInteger(end) && end > begin, `${kind}.end`, end, `an integer step greater than ${kind}.begin (${begin})`);
  return { begin, end };
}

/**
 * Power decay from `initial` to `floor`: f(t) = floor + (initial − floor)(1 − p)^k, p = (t − begin)/(end − begin)
 * clamped to [0, 1]. With k = 1 this is linear decay, with floor 0 the inverse power of RigL's appendix, and
 * with floor = s_f, k = 3 Zhu & Gupta's (2017, eq. 1) gradual-pruning sparsity s_t (with initial = s_i).
 */
function powerDecay(kind: string, initial: number, floor: number, power: number, begin: number, end: number): Schedule {
  return { kind, valueAt: (t) => (t <= begin ? initial : t >= end ? floor : floor + (initial - floor) * Math.pow(1 - (t - begin) / (end - begin), power)) };
}

/** A value that never changes. */
export const constantScheduleDescriptor = defineComponent({
  family: 'schedule',
  kind: 'constant',
  doc: 'The same value at every step.',
  options: closedObject({ value: finite.describe('The value.') }),
  example: { value: 0.3 },
  create: ({ value }) => ({ kind: 'constant', valueAt: () => value }),
});

/** Cosine decay (RigL, Evci et al. 2020, eq. 1) with begin and end offsets. */
export const cosineScheduleDescriptor = defineComponent({
  family: 'schedule',
  kind: 'cosine',
  doc: 'Cosine decay (RigL eq. 1): floor + (initial − floor)/2 · (1 + cos(π p)), p the progress through [begin, end).',
  options: closedObject({ initial: finite.describe('Value at begin (RigL\'s α).'), floor: finite.optional().describe('Value reached at end and kept after it. Default 0.'), ...offsets }),
  example: { initial: 0.3 },
  create: (o, window) => {
    const { begin, end } = span(o, window, 'cosine');
    const floor = o.floor ?? 0;
    return { kind: 'cosine', valueAt: (t) => (t >= end ? floor : floor + ((o.initial - floor) / 2) * (1 + Math.cos((Math.PI * Math.max(t - begin, 0)) / (end - begin)))) };
  },
});

/** Linear decay from `initial` to `floor`. */
export const linearScheduleDescriptor = defineComponent({
  family: 'schedule',
  kind: 'linear',
  doc: 'Linear decay: floor + (initial − floor)(1 − p), p the progress through [begin, end).',
  options: closedObject({ initial: finite.describe('Value at begin.'), floor: finite.optional().describe('Value reached at end and kept after it. Default 0.'), ...offsets }),
  example: { initial: 0.3 },
  create: (o, window) => {
    const { begin, end } = span(o, window, 'linear');
    return powerDecay('linear', o.initial, o.floor ?? 0, 1, begin, end);
  },
});

/** Inverse-power decay (RigL appendix). */
export const inversePowerScheduleDescriptor = defineComponent({
  family: 'schedule',
  kind: 'inverse-power',
  doc: 'Inverse-power decay (RigL appendix): floor + (initial − floor)(1 − p)^k.',
  options: closedObject({
    initial: finite.describe('Value at begin.'),
    power: z.number().positive('must be > 0').describe('Exponent k; 1 is linear decay.'),
    floor: finite.optional().describe('Value reached at end and kept after it. Default 0.'),
    ...offsets,
  }),
  example: { initial: 0.3, power: 2 },
  create: (o, window) => {
    const { begin, end } = span(o, window, 'inverse-power');
    return powerDecay(o.power === 1 ? 'linear' : 'inverse-power', o.initial, o.floor ?? 0, o.power, begin, end);
  },
});

/** Gradual-pruning sparsity (Zhu & Gupta 2017, eq. 1). */
export const polynomialScheduleDescriptor = defineComponent({
  family: 'schedule',
  kind: 'polynomial',
  doc: 'Gradual pruning (Zhu & Gupta 2017, eq. 1): s_f + (s_i − s_f)(1 − p)^k, rising from initial s_i to final s_f.',
  options: closedObject({
    initial: finite.optional().describe('Value s_i at begin and before it. Default 0.'),
    final: finite.optional().describe('Value s_f reached at end and kept after it. Default: the strategy\'s sparsity.'),
    power: z.number().positive('must be > 0').optional().describe('Exponent k. Default 3.'),
    ...offsets,
  }),
  create: (o, window) => {
    const { begin, end } = span(o, window, 'polynomial');
    const final = o.final ?? window.final;
    check(final !== undefined && Number.isFinite(final), 'polynomial.final', final, 'a finite number (give final, or build the schedule where the window names one)');
    return powerDecay('polynomial', o.initial ?? 0, final as number, o.power ?? 3, begin, end);
  },
});

/**
 * Cyclic value with optional annealing (a Topiary schedule; no paper's formula): with τ = min(max(t − begin, 0),
 * end − begin) and p = τ/(end − begin), v(t) = c(p) + a(p) · cos(2π τ / period), where c = (low + high)/2 and
 * a = (high − low)/2, so v starts at `high` and swings down to `low` and back once a period. Annealed, the centre
 * moves linearly to `final` and the amplitude decays linearly to 0: c(p) = c + (final − c) p, a(p) = a (1 − p),
 * so v(end) = final. After `end` the value at `end` is kept.
 */
export const cyclicScheduleDescriptor = defineComponent({
  family: 'schedule',
  kind: 'cyclic',
  doc: 'Cosine-shaped cycles between high and low, one every period steps; annealed: the swing decays linearly to final at end.',
  options: closedObject({
    low: finite.describe('Lowest value of a cycle.'),
    high: finite.describe('Highest value of a cycle, the value at begin.'),
    period: z.number().int('must be an integer number of steps').positive('must be > 0').describe('Steps per cycle.'),
    anneal: z.boolean().optional().describe('Decay the swing linearly to 0 and move its centre to final over [begin, end). Default false.'),
    final: finite.optional().describe("Value reached at end when annealed. Default: the window's final value (a strategy's sparsity)."),
    ...offsets,
  }).superRefine((o, ctx) => {
    if (o.low > o.high) ctx.addIssue({ code: 'custom', path: ['low'], message: `must be ≤ high (${o.high})`, input: o.low });
    if (o.final !== undefined && !o.anneal) ctx.addIssue({ code: 'custom', path: ['final'], message: 'is used only with anneal: true (give anneal: true, or leave final out)', input: o.final });
  }),
  example: { low: 0.8, high: 0.95, period: 400 },
  create: (o, window) => {
    const { begin, end } = span(o, window, 'cyclic');
    const centre = (o.low + o.high) / 2;
    const swing = (o.high - o.low) / 2;
    const final = o.anneal ? (o.final ?? window.final) : centre;
    check(final !== undefined && Number.isFinite(final), 'cyclic.final', final, 'a finite number when anneal is true (give final, or build the schedule where the window names one)');
    const to = o.anneal ? (final as number) : centre;
    const fade = o.anneal ? 1 : 0;
    return {
      kind: 'cyclic',
      valueAt: (t) => {
        const tau = Math.min(Math.max(t - begin, 0), end - begin);
        const p = tau / (end - begin);
        if (o.anneal && p === 1) return to;
        return centre + (to - centre) * p + swing * (1 - fade * p) * Math.cos((2 * Math.PI * tau) / o.period);
      },
    };
  },
});

/** The schedules this package provides, one descriptor per kind; JSON configs and presets build schedules from these. */
export const scheduleDescriptors = Object.freeze([constantScheduleDescriptor, cosineScheduleDescriptor, linearScheduleDescriptor, inversePowerScheduleDescriptor, polynomialScheduleDescriptor, cyclicScheduleDescriptor]);

/** A schedule that always returns `value`. */
export function constantSchedule(value: number): Schedule {
  return createComponent(constantScheduleDescriptor, { value }, { path: 'constant' });
}

/** Options of {@link cosineSchedule}. */
export interface CosineScheduleOptions {
  /** Value at `begin` and before it (RigL's α). */
  initial: number;
  /** Step at which the value reaches `floor` (RigL's T_end). */
  end: number;
  /** Value reached at `end` and kept after it. @default 0 */
  floor?: number;
  /** Step the decay starts at. @default 0 */
  begin?: number;
}

/**
 * Cosine decay (RigL, Evci et al. 2020, eq. 1): f(t) = floor + (α − floor)/2 · (1 + cos(π (t − begin)/(T_end − begin)))
 * for begin ≤ t < T_end, α before and floor after. With floor 0 and begin 0 this is RigL's α/2·(1 + cos(πt/T_end)).
 */
export function cosineSchedule(options: CosineScheduleOptions): Schedule {
  const { begin = 0, ...rest } = options;
  return createComponent(cosineScheduleDescriptor, rest, { context: { begin, end: options.end } });
}

/** Options of {@link inversePowerSchedule}. */
export interface InversePowerScheduleOptions {
  /** Value at `begin` and before it. */
  initial: number;
  /** Step at which the value reaches 0. */
  end: number;
  /** Exponent k; k = 1 is linear decay. @default 1 */
  power?: number;
  /** Step the decay starts at. @default 0 */
  begin?: number;
}

/** Inverse power decay (RigL appendix): f(t) = α (1 − (t − begin)/(T_end − begin))^k, then 0. k = 1 is linear. */
export function inversePowerSchedule(options: InversePowerScheduleOptions): Schedule {
  const { begin = 0, power = 1, ...rest } = options;
  return createComponent(inversePowerScheduleDescriptor, { ...rest, power }, { path: 'inverse-power', context: { begin, end: options.end } });
}

/** Linear decay from `initial` at `begin` to 0 at `end` (inverse power with k = 1). */
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
 * t0 ≤ t ≤ t0 + nΔt; s_i before t0 and s_f after. Both sparsities must lie in [0, 1).
 */
export function polynomialSparsitySchedule(options: PolynomialSparsityOptions): Schedule {
  const { initial = 0, final } = options;
  check(Number.isFinite(initial) && initial >= 0 && initial < 1, 'polynomial.initial', initial, 'a number in [0, 1)');
  check(Number.isFinite(final) && final >= 0 && final < 1, 'polynomial.final', final, 'a number in [0, 1)');
  return createComponent(polynomialScheduleDescriptor, { ...options, initial }, { context: { begin: options.begin, end: options.end } });
}

/** Options of {@link cyclicSchedule}. */
export interface CyclicScheduleOptions {
  /** Lowest value of a cycle. */
  low: number;
  /** Highest value of a cycle, the value at `begin`. */
  high: number;
  /** Steps per cycle. */
  period: number;
  /** Step at which cycling stops (annealed: at which `final` is reached). */
  end: number;
  /** Step cycling starts at. @default 0 */
  begin?: number;
  /** Decay the swing linearly to 0 and move its centre linearly to `final` over [begin, end). @default false */
  anneal?: boolean;
  /** Value reached at `end` when annealed; required then. */
  final?: number;
}

/**
 * Cyclic schedule (a Topiary schedule): v(t) = c(p) + a(p) · cos(2π (t − begin)/period) on [begin, end], c the
 * centre (low + high)/2 and a the half-swing (high − low)/2; annealed, c(p) = c + (final − c) p and a(p) = a (1 − p),
 * p the progress, so v(end) = final. Used as a target sparsity, density follows it up and down (see
 * {@link MaskUpdatePolicy}).
 */
export function cyclicSchedule(options: CyclicScheduleOptions): Schedule {
  const { begin = 0, end, ...rest } = options;
  return createComponent(cyclicScheduleDescriptor, rest, { path: 'cyclic', context: { begin, end } });
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
