import { closedObject, createComponent, defineComponent, polynomialSparsitySchedule, showValue, updateSchedule } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { uniform } from '@topiary/distributions';
import { magnitudeDrop } from '@topiary/drop';
import { z } from 'zod';
import { endFractionField, positiveIntField, presetFields, sparsityField } from './fields.js';

const pruningOptions = closedObject({
  ...presetFields,
  updateEvery: positiveIntField.optional().describe('Steps between pruning steps (Δt). Default 100.'),
  begin: z.number().min(0, 'must be ≥ 0').lt(1, 'must be < 1 (a fraction of totalSteps)').optional().describe('Fraction of totalSteps at which pruning starts (t0). Default 0.'),
  end: endFractionField.optional().describe('Fraction of totalSteps at which the final sparsity is reached (t0 + nΔt). Default 0.75.'),
  initialSparsity: sparsityField.optional().describe('Sparsity at the start; at most `sparsity`. Default 0.'),
}).superRefine((config, ctx) => {
  if (config.initialSparsity !== undefined && config.initialSparsity > config.sparsity) {
    ctx.addIssue({ code: 'custom', path: ['initialSparsity'], message: `must be ≤ sparsity (${config.sparsity})`, input: config.initialSparsity });
  }
  const begin = config.begin ?? 0;
  const end = config.end ?? 0.75;
  if (end <= begin) {
    const field = config.end !== undefined ? 'end' : 'begin';
    ctx.addIssue({ code: 'custom', path: [field], message: `must leave end > begin (begin ${begin}, end ${end}, fractions of totalSteps)`, input: field === 'end' ? end : begin });
  }
});

/** Options of {@link magnitudePruning}. */
export type MagnitudePruningOptions = z.input<typeof pruningOptions>;

/**
 * Gradual magnitude pruning (Zhu & Gupta 2017, "To prune, or not to prune"): start dense; every Δt steps
 * between t0 and t0 + nΔt zero the smallest-magnitude weights so that sparsity follows
 * s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³; no regrowth. Uniform per-layer sparsity by default.
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
    const every = options.updateEvery ?? 100;
    const begin = Math.round((options.begin ?? 0) * options.totalSteps);
    const span = Math.round((options.end ?? 0.75) * options.totalSteps) - begin;
    if (every > span) {
      throw new RangeError(`${context?.path ?? 'magnitudePruning'}.updateEvery: must be at most the pruning span of ${span} steps (end − begin of totalSteps ${options.totalSteps}) (got ${showValue(every)})`);
    }
    // align the end to the update grid so that the last pruning step reaches the final sparsity exactly
    const end = begin + Math.floor(span / every) * every;
    return {
      name: 'pruning',
      sparsity: options.sparsity,
      distribution: options.distribution ?? uniform(),
      init: { kind: 'dense' },
      update: {
        // one extra step so that the final target is applied at `end`
        schedule: updateSchedule({ begin, end: end + 1, every }),
        drop: magnitudeDrop(),
        targetSparsity: polynomialSparsitySchedule({ initial: options.initialSparsity ?? 0, final: options.sparsity, begin, end }),
      },
    };
  },
});
