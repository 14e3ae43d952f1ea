import { closedObject, createComponent, defineComponent, polynomialSparsitySchedule, showValue, updateSchedule } from '@topiary/core';
import type { Schedule, SparseStrategy, UpdateSchedule } from '@topiary/core';
import { uniform } from '@topiary/distributions';
import { magnitudeDrop } from '@topiary/drop';
import { z } from 'zod';
import { endFractionField, positiveIntField, presetFields, sparsityField, updateScopeField } from './fields.js';

/** The pruning window's fields, shared with the presets that prune gradually (GraNet). */
export const pruningWindowFields = {
  updateEvery: positiveIntField.optional().describe('Steps between pruning steps (Δt). Default 100.'),
  begin: z.number().min(0, 'must be ≥ 0').lt(1, 'must be < 1 (a fraction of totalSteps)').optional().describe('Fraction of totalSteps at which pruning starts (t0). Default 0.'),
  end: endFractionField.optional().describe('Fraction of totalSteps at which the final sparsity is reached (t0 + nΔt). Default 0.75.'),
  initialSparsity: sparsityField.optional().describe('Sparsity at the start; at most `sparsity`. Default 0.'),
};

/** The pruning window's fields as given. */
interface PruningWindowConfig {
  readonly sparsity: number;
  readonly totalSteps: number;
  readonly updateEvery?: number | undefined;
  readonly begin?: number | undefined;
  readonly end?: number | undefined;
  readonly initialSparsity?: number | undefined;
}

/** Refuses an initial sparsity above the final one and an empty window, naming the field. */
export function refinePruningWindow(config: PruningWindowConfig, ctx: z.core.$RefinementCtx<PruningWindowConfig>): void {
  if (config.initialSparsity !== undefined && config.initialSparsity > config.sparsity) {
    ctx.addIssue({ code: 'custom', path: ['initialSparsity'], message: `must be ≤ sparsity (${config.sparsity})`, input: config.initialSparsity });
  }
  const begin = config.begin ?? 0;
  const end = config.end ?? 0.75;
  if (end <= begin) {
    const field = config.end !== undefined ? 'end' : 'begin';
    ctx.addIssue({ code: 'custom', path: [field], message: `must leave end > begin (begin ${begin}, end ${end}, fractions of totalSteps)`, input: field === 'end' ? end : begin });
  }
}

/**
 * The pruning steps t0, t0 + Δt, …, t0 + nΔt of a gradual-pruning preset (the end aligned down to the grid, so that
 * the last pruning step reaches the final sparsity exactly) and the cubic target s_t of Zhu & Gupta over them.
 */
export function pruningWindow(options: PruningWindowConfig, path: string): { readonly begin: number; readonly end: number; readonly every: number; readonly schedule: UpdateSchedule; readonly targetSparsity: Schedule } {
  const every = options.updateEvery ?? 100;
  const begin = Math.round((options.begin ?? 0) * options.totalSteps);
  const span = Math.round((options.end ?? 0.75) * options.totalSteps) - begin;
  if (every > span) {
    throw new RangeError(`${path}.updateEvery: must be at most the pruning span of ${span} steps (end − begin of totalSteps ${options.totalSteps}) (got ${showValue(every)})`);
  }
  const end = begin + Math.floor(span / every) * every;
  return {
    begin,
    end,
    every,
    // one extra step so that the final target is applied at `end`
    schedule: updateSchedule({ begin, end: end + 1, every }),
    targetSparsity: polynomialSparsitySchedule({ initial: options.initialSparsity ?? 0, final: options.sparsity, begin, end }),
  };
}

const pruningOptions = closedObject({
  ...presetFields,
  ...pruningWindowFields,
  scope: updateScopeField.optional().describe("`layer`: every layer pruned to its share of the distribution (the default); `global`: one magnitude ranking over all masked layers (global magnitude pruning)."),
}).superRefine(refinePruningWindow);

/** Options of {@link magnitudePruning}. */
export type MagnitudePruningOptions = z.input<typeof pruningOptions>;

/**
 * Gradual magnitude pruning (Zhu & Gupta 2017, "To prune, or not to prune"): start dense; every Δt steps
 * between t0 and t0 + nΔt zero the smallest-magnitude weights so that sparsity follows
 * s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³; no regrowth. Uniform per-layer sparsity by default; with
 * `scope: 'global'` one magnitude ranking over all masked layers prunes to the overall budget (global magnitude
 * pruning), so layers end at different sparsities.
 */
export function magnitudePruning(options: MagnitudePruningOptions): SparseStrategy {
  return createComponent(magnitudePruningDescriptor, options, { path: 'magnitudePruning' });
}

/** The descriptor of {@link magnitudePruning}: method `pruning`. */
export const magnitudePruningDescriptor = defineComponent({
  family: 'preset',
  kind: 'pruning',
  doc: 'Gradual magnitude pruning (Zhu & Gupta 2017): start dense, prune by |w| along a cubic schedule to the final sparsity, no regrowth.',
  options: pruningOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options, context): SparseStrategy => {
    const window = pruningWindow(options, context?.path ?? 'magnitudePruning');
    return {
      name: 'pruning',
      sparsity: options.sparsity,
      distribution: options.distribution ?? uniform(),
      init: { kind: 'dense' },
      update: {
        schedule: window.schedule,
        drop: magnitudeDrop(),
        targetSparsity: window.targetSparsity,
        ...(options.scope === 'global' ? { scope: 'global' as const } : {}),
      },
    };
  },
});
