import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { uniform } from '@topiary/distributions';
import { z } from 'zod';
import { dropScheduleField, fractionField, positiveIntField, stepsPerEpochField, updateOptionFields } from './fields.js';
import { nmFields, nmGranularity } from './nm-fields.js';
import { setDescriptor } from './set.js';

const nmSetOptions = closedObject({
  totalSteps: positiveIntField.describe('Optimizer steps the whole run takes; fractions such as T_end are taken of it.'),
  ...nmFields,
  ...updateOptionFields,
  stepsPerEpoch: stepsPerEpochField,
  dropFraction: fractionField.optional().describe('Fraction ζ of weights replaced at each update. Default 0.3, as SET.'),
  dropSchedule: dropScheduleField.optional().describe("Decay of ζ. Default 'constant', as SET."),
  dropRule: z.enum(['sign', 'magnitude']).optional().describe("`sign`: ζ of the positive and ζ of the negative weights closest to zero (SET); `magnitude`: smallest |w|. Default 'sign'."),
});

/** Options of {@link nmSet}. */
export type NmSetOptions = z.input<typeof nmSetOptions>;

/**
 * SET under N:M fine-grained structured sparsity (Zhou et al. 2021 for N:M, default 2:4; Mocanu et al. 2018 for the
 * rule): at each update (once per epoch until the end, as SET) drop ζ = 0.3 of each layer's positive and of its
 * negative weights closest to zero, then every group of m consecutive inputs regrows exactly as many as it lost, at
 * random positions of the group, zero-initialised. Sparsity 1 − n/m in every masked layer (uniform distribution).
 */
export function nmSet(options: NmSetOptions): SparseStrategy {
  return createComponent(nmSetDescriptor, options);
}

/** The descriptor of {@link nmSet}: method `n:m-set`. */
export const nmSetDescriptor = defineComponent({
  family: 'preset',
  kind: 'n:m-set',
  doc: 'SET under N:M sparsity (Zhou et al. 2021; Mocanu et al. 2018): exactly n of every m consecutive inputs active (default 2:4), each group regrowing what it lost at random.',
  options: nmSetOptions,
  example: { totalSteps: 1000 },
  create: ({ n, m, sparsity, ...set }, context): SparseStrategy => {
    const path = context?.path ?? 'n:m-set';
    const nm = nmGranularity(path, { n, m, sparsity });
    return {
      // SET's schedule and criteria, uniform density n/m, N:M groups
      ...setDescriptor.create({ ...set, sparsity: nm.sparsity, distribution: uniform() }, { path }),
      name: 'n:m-set',
      granularity: nm.granularity,
    };
  },
});
