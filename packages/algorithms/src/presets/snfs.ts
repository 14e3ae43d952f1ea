import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { momentumRedistribution, uniform } from '@topiary/distributions';
import { magnitudeDrop } from '@topiary/drop';
import { momentumGrow } from '@topiary/grow';
import { z } from 'zod';
import { defaultGrowInit, dropFractionSchedule, presetUpdateSchedule } from './common.js';
import { fractionField, presetFields, stepsPerEpochField, updateOptionFields } from './fields.js';
import { perEpoch } from './set.js';

/** SNFS's default initial prune rate p. */
export const SNFS_DEFAULT_DROP_FRACTION = 0.5;

const snfsOptions = closedObject({
  ...presetFields,
  ...updateOptionFields,
  stepsPerEpoch: stepsPerEpochField,
  dropFraction: fractionField.optional().describe('Initial prune rate p. Default 0.5.'),
  dropFractionFloor: fractionField.optional().describe('Value the cosine-decayed prune rate ends at; at most dropFraction. Default 0.005.'),
  redistribute: z.boolean().optional().describe('Reallocate regrowth across layers by mean momentum. Default true.'),
}).superRefine((config, ctx) => {
  const initial = config.dropFraction ?? SNFS_DEFAULT_DROP_FRACTION;
  if (config.dropFractionFloor !== undefined && config.dropFractionFloor > initial) {
    ctx.addIssue({ code: 'custom', path: ['dropFractionFloor'], message: `must be ≤ dropFraction (${initial})`, input: config.dropFractionFloor });
  }
});

/** Options of {@link snfs}. */
export type SnfsOptions = z.input<typeof snfsOptions>;

/**
 * Sparse momentum, SNFS (Dettmers & Zettlemoyer 2019, "Sparse Networks from Scratch: Faster Training without
 * Losing Performance"): at each update prune the fraction p (0.5, cosine-decayed to 0.005) of the
 * smallest-magnitude weights, redistribute the regrowth across layers in proportion to each layer's mean
 * |momentum|, and grow the inactive weights with the largest |momentum| of the dense gradient. The paper
 * updates once per epoch until the end: pass `stepsPerEpoch` (or `updateEvery` = steps per epoch).
 */
export function snfs(options: SnfsOptions): SparseStrategy {
  return createComponent(snfsDescriptor, options);
}

/** The descriptor of {@link snfs}: method `snfs`. */
export const snfsDescriptor = defineComponent({
  family: 'preset',
  kind: 'snfs',
  doc: 'Sparse momentum (Dettmers & Zettlemoyer 2019): prune p = 0.5 by magnitude, regrow by dense-gradient momentum, redistributed across layers, once per epoch.',
  options: snfsOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options, context): SparseStrategy => {
    const schedule = presetUpdateSchedule(context?.path ?? 'snfs', options.totalSteps, options, { end: 1, every: perEpoch(options) });
    const floor = options.dropFractionFloor ?? 0.005;
    const redistribute = options.redistribute ?? true;
    return {
      name: 'snfs',
      sparsity: options.sparsity,
      distribution: options.distribution ?? uniform(),
      init: { kind: 'random' },
      update: {
        schedule,
        drop: magnitudeDrop(),
        grow: momentumGrow(),
        growInit: defaultGrowInit(options),
        dropFraction: dropFractionSchedule('cosine', options.dropFraction ?? SNFS_DEFAULT_DROP_FRACTION, schedule, floor),
        ...(redistribute ? { redistribution: momentumRedistribution() } : {}),
      },
    };
  },
});
