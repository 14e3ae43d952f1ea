import { closedObject, componentOption, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import { magnitudeDrop } from '@topiary/drop';
import { gradientGrow } from '@topiary/grow';
import type { z } from 'zod';
import { defaultGrowInit, dropFractionSchedule, presetUpdateSchedule } from './common.js';
import { dropScheduleField, fractionField, presetFields, updateOptionFields } from './fields.js';

const riglOptions = closedObject({
  ...presetFields,
  ...updateOptionFields,
  dropFraction: fractionField.optional().describe('Initial drop fraction α. Default 0.3.'),
  dropSchedule: dropScheduleField.optional().describe("Decay of the drop fraction. Default 'cosine'."),
  drop: componentOption('drop').optional().describe('Replaces the drop criterion (e.g. a user-defined one). Default: magnitude.'),
  grow: componentOption('grow').optional().describe('Replaces the grow criterion. Default: gradient.'),
});

/** Options of {@link rigl}. */
export type RiglOptions = z.input<typeof riglOptions>;

/**
 * RigL (Evci et al. 2020, "Rigging the Lottery"): every ΔT = 100 steps until T_end = 75% of training, drop the
 * fraction f(t) = α/2·(1 + cos(πt/T_end)), α = 0.3, of each layer's smallest-magnitude weights and grow as many
 * connections with the largest dense-gradient magnitude, new weights at zero; ERK distribution.
 */
export function rigl(options: RiglOptions): SparseStrategy {
  return createComponent(riglDescriptor, options);
}

/** The descriptor of {@link rigl}: method `rigl`. */
export const riglDescriptor = defineComponent({
  family: 'preset',
  kind: 'rigl',
  doc: 'RigL (Evci et al. 2020): drop by magnitude, grow by dense-gradient magnitude, cosine-decayed α = 0.3 every 100 steps until 75% of training.',
  options: riglOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options, context): SparseStrategy => {
    const schedule = presetUpdateSchedule(context?.path ?? 'rigl', options.totalSteps, options, { end: 0.75 });
    return {
      name: 'rigl',
      sparsity: options.sparsity,
      distribution: options.distribution ?? erdosRenyiKernel(),
      init: { kind: 'random' },
      update: {
        schedule,
        drop: options.drop ?? magnitudeDrop(),
        grow: options.grow ?? gradientGrow(),
        growInit: defaultGrowInit(options),
        dropFraction: dropFractionSchedule(options.dropSchedule ?? 'cosine', options.dropFraction ?? 0.3, schedule),
      },
    };
  },
});
