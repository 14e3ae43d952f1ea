import { polynomialSparsitySchedule, updateSchedule } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { uniform } from '@topiary/distributions';
import { magnitudeDrop } from '@topiary/drop';
import { z } from 'zod';
import { endFractionField, positiveIntField, pruningFieldsOrdered, sparsityField } from '../config/schema.js';
import { closedObject, formatValue } from '../config/suggest.js';
import { checkPresetOptions, presetFields, type PresetOptions } from './common.js';

const pruningOptionsSchema = closedObject({
  ...presetFields,
  updateEvery: positiveIntField.optional(),
  begin: z.number().min(0, 'must be ≥ 0').lt(1, 'must be < 1 (a fraction of totalSteps)').optional(),
  end: endFractionField.optional(),
  initialSparsity: sparsityField.optional(),
}).superRefine(pruningFieldsOrdered);

/** Options of {@link magnitudePruning}. */
export interface MagnitudePruningOptions extends PresetOptions {
  /** Steps between pruning steps (Δt). @default 100 */
  updateEvery?: number;
  /** Fraction of totalSteps at which pruning starts (t0). @default 0 */
  begin?: number;
  /** Fraction of totalSteps at which the final sparsity is reached (t0 + nΔt). @default 0.75 */
  end?: number;
  /** Sparsity at the start. @default 0 */
  initialSparsity?: number;
}

/**
 * Gradual magnitude pruning (Zhu & Gupta 2017, "To prune, or not to prune"): start dense; every Δt steps
 * between t0 and t0 + nΔt zero the smallest-magnitude weights so that sparsity follows
 * s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³; no regrowth. Uniform per-layer sparsity by default.
 */
export function magnitudePruning(options: MagnitudePruningOptions): SparseStrategy {
  checkPresetOptions('magnitudePruning', pruningOptionsSchema, options);
  const every = options.updateEvery ?? 100;
  const beginFraction = options.begin ?? 0;
  const endFraction = options.end ?? 0.75;
  const begin = Math.round(beginFraction * options.totalSteps);
  const span = Math.round(endFraction * options.totalSteps) - begin;
  if (every > span) {
    throw new RangeError(`magnitudePruning.updateEvery: must be at most the pruning span of ${span} steps (end − begin of totalSteps ${options.totalSteps}) (got ${formatValue(every)})`);
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
}
