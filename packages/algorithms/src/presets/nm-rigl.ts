import { closedObject, componentOption, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { uniform } from '@topiary/distributions';
import type { z } from 'zod';
import { dropScheduleField, fractionField, positiveIntField, updateOptionFields } from './fields.js';
import { nmFields, nmGranularity } from './nm-fields.js';
import { riglDescriptor } from './rigl.js';

const nmRiglOptions = closedObject({
  totalSteps: positiveIntField.describe('Optimizer steps the whole run takes; fractions such as T_end are taken of it.'),
  ...nmFields,
  ...updateOptionFields,
  dropFraction: fractionField.optional().describe('Initial drop fraction α. Default 0.3, as RigL.'),
  dropSchedule: dropScheduleField.optional().describe("Decay of the drop fraction. Default 'cosine', as RigL."),
  drop: componentOption('drop').optional().describe('Replaces the drop criterion. Default: magnitude.'),
  grow: componentOption('grow').optional().describe('Replaces the grow criterion. Default: gradient.'),
});

/** Options of {@link nmRigl}. */
export type NmRiglOptions = z.input<typeof nmRiglOptions>;

/**
 * RigL under N:M fine-grained structured sparsity: Zhou et al. 2021, "Learning N:M Fine-grained Structured Sparse
 * Neural Networks From Scratch" (every group of m consecutive inputs of an output unit holds exactly n active
 * weights, 2:4 by default as on Ampere's sparse tensor cores), trained with RigL's drop-and-grow (Evci et al.
 * 2020): every ΔT = 100 steps until 75% of training, drop the cosine-decayed fraction α = 0.3 of each layer's
 * smallest-magnitude weights, then every group regrows exactly as many as it lost by dense-gradient magnitude, new
 * weights at zero. Sparsity is 1 − n/m in every masked layer (uniform distribution). Zhou et al. train N:M masks
 * with SR-STE rather than drop-and-grow; this preset keeps the masks exactly N:M throughout instead.
 */
export function nmRigl(options: NmRiglOptions): SparseStrategy {
  return createComponent(nmRiglDescriptor, options);
}

/** The descriptor of {@link nmRigl}: method `n:m-rigl`. */
export const nmRiglDescriptor = defineComponent({
  family: 'preset',
  kind: 'n:m-rigl',
  doc: 'RigL under N:M sparsity (Zhou et al. 2021; Evci et al. 2020): exactly n of every m consecutive inputs active (default 2:4), each group regrowing what it lost.',
  options: nmRiglOptions,
  example: { totalSteps: 1000 },
  create: ({ n, m, sparsity, ...rigl }, context): SparseStrategy => {
    const path = context?.path ?? 'n:m-rigl';
    const nm = nmGranularity(path, { n, m, sparsity });
    return {
      // RigL's schedule and criteria, uniform density n/m, N:M groups
      ...riglDescriptor.create({ ...rigl, sparsity: nm.sparsity, distribution: uniform() }, { path }),
      name: 'n:m-rigl',
      granularity: nm.granularity,
    };
  },
});
