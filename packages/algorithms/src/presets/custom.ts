import { closedObject, componentOption, createComponent, defineComponent, descriptorUnion, scheduleDescriptors } from '@topiary/core';
import type { ComponentDescriptor, MaskUpdatePolicy, Schedule, ScheduleWindow, SparseStrategy, UpdateSchedule } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import { magnitudeDrop } from '@topiary/drop';
import { randomGrow, zerosInit } from '@topiary/grow';
import { z } from 'zod';
import { presetUpdateSchedule } from './common.js';
import { endFractionField, fractionField, positiveIntField, presetFields, stepField, updateScopeField } from './fields.js';
import { DEFAULT_SCORED_SCOPE, scoredScopeField } from './snip.js';

/** A schedule written `{ "kind": …, …options }`, in TypeScript and JSON alike; its window is the update window. */
export const scheduleConfigSchema = descriptorUnion(scheduleDescriptors);

/** A schedule written as a config: its kind and options. */
export type ScheduleConfig = { readonly kind: string } & Readonly<Record<string, unknown>>;

const VALUE_FIELDS = ['value', 'initial', 'floor', 'final', 'low', 'high'] as const;

/** Refuses schedule values outside [0, 1] (drop fractions) or [0, 1) (sparsities), naming the field. */
function valuesWithin(role: 'fraction' | 'sparsity') {
  return (schedule: Record<string, unknown>, ctx: z.core.$RefinementCtx<Record<string, unknown>>): void => {
    for (const field of VALUE_FIELDS) {
      const value = schedule[field];
      if (typeof value !== 'number') continue;
      const message = value < 0 ? 'must be ≥ 0' : role === 'fraction' && value > 1 ? 'must be ≤ 1' : role === 'sparsity' && value >= 1 ? 'must be < 1' : undefined;
      if (message) ctx.addIssue({ code: 'custom', path: [field], message, input: value });
    }
    if (schedule['kind'] === 'cosine' && typeof schedule['floor'] === 'number' && typeof schedule['initial'] === 'number' && schedule['floor'] > schedule['initial']) {
      ctx.addIssue({ code: 'custom', path: ['floor'], message: `must be ≤ initial (${schedule['initial']})`, input: schedule['floor'] });
    }
  };
}

const updateOptions = closedObject({
  updateEvery: positiveIntField.optional().describe('Steps between mask updates (ΔT). Default 100.'),
  begin: stepField.optional().describe('First step at which masks may change. Default 0.'),
  end: endFractionField.optional().describe('Fraction of training after which masks stop changing (T_end). Default 1.'),
  drop: componentOption('drop').describe('Which active weights are dropped.'),
  grow: componentOption('grow').optional().describe('Which inactive positions are grown; none for pruning.'),
  growInit: componentOption('growInit').optional().describe('Starting values of grown weights. Default zeros.'),
  dropFraction: scheduleConfigSchema.superRefine(valuesWithin('fraction')).optional().describe('Drop-and-grow: the fraction of active weights replaced at each update, over the update window. With targetSparsity: the fraction of the weights left after pruning that is replaced (prune and regrow, GraNet); needs grow.'),
  targetSparsity: scheduleConfigSchema.superRefine(valuesWithin('sparsity')).optional().describe("Pruning: the sparsity reached at each update, reaching its final value (default: the strategy's sparsity) at the window's last step. May combine with dropFraction."),
  redistribution: componentOption('redistribution').optional().describe("Reallocates regrowth across layers; needs grow; excludes scope 'global'."),
  scope: updateScopeField.optional().describe("`layer`: every layer drops and grows its own count (the default); `global`: counts over all masked layers and one ranking of the scores across layers (global magnitude pruning, global RigL, GraNet). Scores are compared as given."),
}).superRefine((update, ctx) => {
  if (update.dropFraction === undefined && update.targetSparsity === undefined) {
    ctx.addIssue({ code: 'custom', path: ['dropFraction'], message: 'an update needs dropFraction (drop-and-grow), targetSparsity (pruning) or both (prune and regrow)', input: undefined });
  }
  if (update.dropFraction !== undefined && update.targetSparsity !== undefined && update.grow === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['dropFraction'],
      message: 'with targetSparsity, dropFraction replaces weights after pruning and needs a grow criterion (update.grow); without growth give targetSparsity alone',
      input: update.dropFraction,
    });
  }
  if (update.redistribution !== undefined && update.grow === undefined) {
    ctx.addIssue({ code: 'custom', path: ['redistribution'], message: 'needs a grow criterion (update.grow): redistribution reallocates regrowth, and without growth sparsity would drift', input: update.redistribution });
  }
  if (update.redistribution !== undefined && update.scope === 'global') {
    ctx.addIssue({ code: 'custom', path: ['redistribution'], message: "contradicts scope 'global': both decide per-layer counts; give one of them", input: update.redistribution });
  }
});

const customOptions = closedObject({
  name: z.string().min(1).optional().describe("Name in logs and results. Default 'custom'."),
  ...presetFields,
  init: z
    .discriminatedUnion('kind', [
      closedObject({ kind: z.literal('random') }),
      closedObject({ kind: z.literal('dense') }),
      closedObject({ kind: z.literal('scored'), criterion: componentOption('drop').describe('Scores on the first batch; the highest are kept.'), scope: scoredScopeField }),
    ])
    .optional()
    .describe("How the first masks are chosen. Default 'random'."),
  update: updateOptions.optional().describe('How masks change; absent for static masks.'),
  granularity: z
    .discriminatedUnion('kind', [
      closedObject({
        kind: z.literal('n:m'),
        n: z.number().int('must be an integer').min(1, 'must be ≥ 1').describe('Active weights per group of m consecutive inputs, in [1, m).'),
        m: z.number().int('must be an integer').min(2, 'must be ≥ 2').describe("Group size along the input axis; must divide every masked layer's input size."),
      }),
      closedObject({
        kind: z.literal('fan-in'),
        ablation: closedObject({ threshold: fractionField.describe("γ_sal in [0, 1]: units whose salient weights fall below γ_sal · k_l are ablated; 0 disables ablation (SRigL's recommendation: 0.3).") })
          .optional()
          .describe("SRigL's neuron ablation (Lasby et al. 2024); absent: every output unit is kept."),
      }),
      closedObject({ kind: z.literal('block'), size: positiveIntField.describe("The block side b; must divide every masked layer's input and output sizes.") }),
    ])
    .optional()
    .describe("Structure every mask keeps (one of them): 'n:m' (n of every m consecutive inputs; sparsity 1 − n/m, uniform), 'fan-in' (constant fan-in, optional SRigL ablation) or 'block' (b × b blocks). Each needs a random or layer-scope scored init and drop-and-grow updates per layer. Default: unstructured."),
}).superRefine((config, ctx) => {
  const target = config.update?.targetSparsity;
  const granularity = config.granularity;
  if (granularity?.kind === 'n:m' && granularity.n >= granularity.m) ctx.addIssue({ code: 'custom', path: ['granularity', 'n'], message: `must be < m = ${granularity.m}`, input: granularity.n });
  if (target?.['kind'] === 'polynomial') {
    const initial = (target['initial'] as number | undefined) ?? 0;
    const final = (target['final'] as number | undefined) ?? config.sparsity;
    if (initial > final) ctx.addIssue({ code: 'custom', path: ['update', 'targetSparsity', 'initial'], message: `must be ≤ the final sparsity (${final})`, input: initial });
  }
});

/** Options of {@link custom}. */
export type CustomOptions = z.input<typeof customOptions>;

/** Builds a schedule config over a window. */
function scheduleOver(config: ScheduleConfig, window: ScheduleWindow, path: string): Schedule {
  const descriptor = scheduleDescriptors.find((d) => d.kind === config.kind)! as ComponentDescriptor<'schedule'>;
  const { kind: _kind, ...options } = config;
  return createComponent(descriptor, options, { path, context: window });
}

/** The update policy of a custom strategy. */
function updatePolicy(update: z.output<typeof updateOptions>, schedule: UpdateSchedule, sparsity: number, path: string): MaskUpdatePolicy {
  // a drop fraction has decayed when updates stop; a target sparsity is reached at the last step that may update
  const last = Math.max(schedule.begin + 1, schedule.end - 1);
  return {
    schedule,
    drop: update.drop,
    ...(update.grow ? { grow: update.grow } : {}),
    growInit: update.growInit ?? zerosInit(),
    ...(update.dropFraction ? { dropFraction: scheduleOver(update.dropFraction as ScheduleConfig, { begin: schedule.begin, end: schedule.end }, `${path}.dropFraction`) } : {}),
    ...(update.targetSparsity ? { targetSparsity: scheduleOver(update.targetSparsity as ScheduleConfig, { begin: schedule.begin, end: last, final: sparsity }, `${path}.targetSparsity`) } : {}),
    ...(update.redistribution ? { redistribution: update.redistribution } : {}),
    ...(update.scope === 'global' ? { scope: 'global' as const } : {}),
  };
}

/**
 * A hand-composed strategy: any distribution, initialisation, drop and grow criteria, grown-weight initialiser,
 * drop-fraction and/or target-sparsity schedule (core's schedules, over the update window; both: prune, then
 * replace a fraction of the rest), redistribution, update scope (`global`: one ranking across layers) and mask
 * granularity (N:M, constant fan-in with optional SRigL ablation, or b × b blocks; checked against the model by the
 * trainer).
 * RigL with momentum growth, or MEST-like drop with random growth, are each one value of these options.
 */
export function custom(options: CustomOptions): SparseStrategy {
  return createComponent(customDescriptor, options);
}

/** The descriptor of {@link custom}: method `custom`. */
export const customDescriptor = defineComponent({
  family: 'preset',
  kind: 'custom',
  doc: 'A hand-composed strategy: distribution, initialisation, criteria, schedules and redistribution chosen one by one.',
  options: customOptions,
  example: { sparsity: 0.9, totalSteps: 1000, update: { drop: magnitudeDrop(), grow: randomGrow(), dropFraction: { kind: 'cosine', initial: 0.3 } } },
  create: (options, context): SparseStrategy => {
    const path = context?.path ?? 'custom';
    const init = options.init ?? { kind: 'random' as const };
    const strategy: SparseStrategy = {
      name: options.name ?? 'custom',
      sparsity: options.sparsity,
      distribution: options.distribution ?? erdosRenyiKernel(),
      init: init.kind === 'scored' ? { kind: 'scored', criterion: init.criterion, scope: init.scope ?? DEFAULT_SCORED_SCOPE } : init,
    };
    const structured: SparseStrategy = options.granularity ? { ...strategy, granularity: options.granularity } : strategy;
    const update = options.update;
    if (!update) return structured;
    const schedule = presetUpdateSchedule(`${path}.update`, options.totalSteps, { updateEvery: update.updateEvery, begin: update.begin, end: update.end }, { end: 1 });
    return { ...structured, update: updatePolicy(update, schedule, options.sparsity, `${path}.update`) };
  },
});
