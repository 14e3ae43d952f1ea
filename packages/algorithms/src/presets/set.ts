import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { erdosRenyi } from '@topiary/distributions';
import { magnitudeDrop, setDrop } from '@topiary/drop';
import { randomGrow } from '@topiary/grow';
import { z } from 'zod';
import { defaultGrowInit, dropFractionSchedule, presetUpdateSchedule } from './common.js';
import { dropScheduleField, fractionField, presetFields, stepsPerEpochField, updateOptionFields } from './fields.js';

const setOptions = closedObject({
  ...presetFields,
  ...updateOptionFields,
  stepsPerEpoch: stepsPerEpochField,
  dropFraction: fractionField.optional().describe('Fraction ζ of weights replaced at each update. Default 0.3.'),
  dropSchedule: dropScheduleField.optional().describe("Decay of ζ. Default 'constant'."),
  dropRule: z.enum(['sign', 'magnitude']).optional().describe("`sign`: ζ of the positive and ζ of the negative weights closest to zero (the paper); `magnitude`: smallest |w|. Default 'sign'."),
});

/** Options of {@link set}. */
export type SetOptions = z.input<typeof setOptions>;

/**
 * SET (Mocanu et al. 2018, "Scalable training of artificial neural networks with adaptive sparse
 * connectivity"): Erdős–Rényi initial topology; at each update remove the fraction ζ = 0.3 of the smallest
 * positive and of the largest negative weights, then add as many random connections (zero-initialised, as in
 * RigL's comparison). The paper updates after every epoch and until the end: pass `stepsPerEpoch` (or
 * `updateEvery` = steps per epoch) and keep `end` = 1.
 */
export function set(options: SetOptions): SparseStrategy {
  return createComponent(setDescriptor, options);
}

/** The descriptor of {@link set}: method `set`. */
export const setDescriptor = defineComponent({
  family: 'preset',
  kind: 'set',
  doc: 'SET (Mocanu et al. 2018): drop ζ = 0.3 of the weights closest to zero on each sign, grow as many at random, once per epoch until the end.',
  options: setOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options, context): SparseStrategy => {
    const schedule = presetUpdateSchedule(context?.path ?? 'set', options.totalSteps, options, { end: 1, every: perEpoch(options) });
    const rule = options.dropRule ?? 'sign';
    return {
      name: 'set',
      sparsity: options.sparsity,
      distribution: options.distribution ?? erdosRenyi(),
      init: { kind: 'random' },
      update: {
        schedule,
        drop: rule === 'sign' ? setDrop() : magnitudeDrop(),
        grow: randomGrow(),
        growInit: defaultGrowInit(options),
        dropFraction: dropFractionSchedule(options.dropSchedule ?? 'constant', options.dropFraction ?? 0.3, schedule),
      },
    };
  },
});

/** One update per epoch when the steps per epoch are known (at most one per run), else undefined. */
export function perEpoch(options: { readonly stepsPerEpoch?: number | undefined; readonly totalSteps: number }): number | undefined {
  return options.stepsPerEpoch !== undefined ? Math.min(options.stepsPerEpoch, options.totalSteps) : undefined;
}
