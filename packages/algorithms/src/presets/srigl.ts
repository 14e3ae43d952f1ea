import { closedObject, componentOption, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import type { z } from 'zod';
import { dropScheduleField, fractionField, presetFields, updateOptionFields } from './fields.js';
import { riglDescriptor } from './rigl.js';

const sriglOptions = closedObject({
  ...presetFields,
  ...updateOptionFields,
  dropFraction: fractionField.optional().describe('Initial drop fraction α. Default 0.3, as RigL.'),
  dropSchedule: dropScheduleField.optional().describe("Decay of the drop fraction. Default 'cosine', as RigL."),
  drop: componentOption('drop').optional().describe('Replaces the drop criterion. Default: magnitude.'),
  grow: componentOption('grow').optional().describe('Replaces the grow criterion. Default: gradient.'),
});

/** Options of {@link srigl}. */
export type SriglOptions = z.input<typeof sriglOptions>;

/**
 * SRigL without neuron ablation: Lasby et al. 2024, "Dynamic Sparse Training with Structured Sparsity" (ICLR), the
 * constant fan-in structure, every output unit of layer l keeping k_l = round(d_l · in_l) active inputs with d_l
 * from ERK, trained with RigL's drop-and-grow (Evci et al. 2020): every ΔT = 100 steps until 75% of training, drop
 * the cosine-decayed fraction α = 0.3 of each layer's smallest-magnitude weights, then every output unit regrows
 * exactly as many as it lost by dense-gradient magnitude, new weights at zero. SRigL's neuron ablation (removing
 * output units whose salient weights fall below a threshold γ_sal) is not implemented: every output unit stays.
 */
export function srigl(options: SriglOptions): SparseStrategy {
  return createComponent(sriglDescriptor, options);
}

/** The descriptor of {@link srigl}: method `srigl`. */
export const sriglDescriptor = defineComponent({
  family: 'preset',
  kind: 'srigl',
  doc: 'SRigL without neuron ablation (Lasby et al. 2024; Evci et al. 2020): RigL with constant fan-in, every output unit keeping k_l = round(d_l · in_l) inputs (ERK), regrowing what it lost.',
  options: sriglOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options, context): SparseStrategy => ({
    // RigL's schedule, criteria and ERK default, with constant fan-in groups
    ...riglDescriptor.create(options, { path: context?.path ?? 'srigl' }),
    name: 'srigl',
    granularity: { kind: 'fan-in' },
  }),
});
