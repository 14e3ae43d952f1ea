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
  ablationThreshold: fractionField
    .optional()
    .describe("SRigL's neuron ablation threshold γ_sal in [0, 1]: an output unit whose salient weights (those unconstrained RigL would keep or grow) fall below γ_sal · k_l is removed and its budget shared among the others. Default 0.3, as the authors; 0 disables ablation."),
});

/** γ_sal of Lasby et al. 2024 (their recommended value). */
export const DEFAULT_ABLATION_THRESHOLD = 0.3;

/** Options of {@link srigl}. */
export type SriglOptions = z.input<typeof sriglOptions>;

/**
 * SRigL: Lasby et al. 2024, "Dynamic Sparse Training with Structured Sparsity" (ICLR). Constant fan-in, every
 * output unit of layer l keeping k_l = round(d_l · in_l) active inputs with d_l from ERK, trained with RigL's
 * drop-and-grow (Evci et al. 2020): every ΔT = 100 steps until T_end = 75% of training, drop the cosine-decayed
 * fraction α = 0.3 of each layer's smallest-magnitude weights, then every output unit regrows to its fan-in by
 * dense-gradient magnitude, new weights at zero. Neuron ablation (γ_sal = `ablationThreshold`, default 0.3; 0
 * disables it): at every update a unit whose salient weights (the mask unconstrained RigL would make in its layer:
 * the kept active weights and the top-gradient regrowth) number fewer than γ_sal · k is removed for good, and the
 * layer's budget k_l · out_l is shared among the remaining units, ⌊k_l · out_l / (out_l − A)⌋ each (at most in_l);
 * at least one unit always stays (see `planAblatedLayer` in `@topiary/core`).
 */
export function srigl(options: SriglOptions): SparseStrategy {
  return createComponent(sriglDescriptor, options);
}

/** The descriptor of {@link srigl}: method `srigl`. */
export const sriglDescriptor = defineComponent({
  family: 'preset',
  kind: 'srigl',
  doc: 'SRigL (Lasby et al. 2024; Evci et al. 2020): RigL with constant fan-in, every output unit keeping k_l = round(d_l · in_l) inputs (ERK), and neuron ablation at γ_sal = 0.3 (0 disables it).',
  options: sriglOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: ({ ablationThreshold = DEFAULT_ABLATION_THRESHOLD, ...options }, context): SparseStrategy => ({
    // RigL's schedule, criteria and ERK default, with constant fan-in groups and neuron ablation
    ...riglDescriptor.create(options, { path: context?.path ?? 'srigl' }),
    name: 'srigl',
    granularity: ablationThreshold > 0 ? { kind: 'fan-in', ablation: { threshold: ablationThreshold } } : { kind: 'fan-in' },
  }),
});
