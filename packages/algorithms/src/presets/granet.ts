import { closedObject, componentOption, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { gradientGrow } from '@topiary/grow';
import type { z } from 'zod';
import { defaultGrowInit, dropFractionSchedule } from './common.js';
import { dropScheduleField, fractionField, presetFields, updateScopeField } from './fields.js';
import { magnitudePruningDescriptor, pruningWindow, pruningWindowFields, refinePruningWindow } from './magnitude-pruning.js';

// Defaults. GraNet (Liu et al., NeurIPS 2021) is gradual magnitude pruning with the cubic schedule of Zhu & Gupta
// (2017), s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³, from a dense (s_i = 0) or sparse start, global pruning,
// and at each pruning step zero-cost neuroregeneration: drop the fraction r of the remaining active weights by |w|
// and regrow as many by |∂L/∂w|, r decayed by cosine. Our notes on the paper give no numeric values for Δt, t0,
// t0 + nΔt or r, so those follow RigL (Evci et al. 2020) and gradual pruning as elsewhere in this package:
// Δt = 100 (RigL's ΔT; TF-MOT's pruning frequency), pruning from t0 = 0 to 75% of training (RigL's T_end), initial
// r = 0.3 (RigL's α) decayed by cosine to 0 at the last pruning step, grown weights at zero (RigL).
const GRANET_DEFAULT_DROP_FRACTION = 0.3;
const GRANET_DEFAULT_SCOPE = 'global';

const granetOptions = closedObject({
  ...presetFields,
  ...pruningWindowFields,
  dropFraction: fractionField.optional().describe('Initial regeneration fraction r: the fraction of the active weights left after each pruning step that is dropped by |w| and regrown by |∂L/∂w|. Default 0.3, as RigL (the notes give no value).'),
  dropSchedule: dropScheduleField.optional().describe("Decay of r over the pruning window, to 0 at its last step. Default 'cosine' (GraNet)."),
  scope: updateScopeField.optional().describe("`global`: one magnitude ranking over all masked layers for pruning and one gradient ranking for regrowth (GraNet, the default); `layer`: each layer pruned to its share of the distribution."),
  growInit: componentOption('growInit').optional().describe('Starting values of regrown weights. Default zeros.'),
}).superRefine(refinePruningWindow);

/** Options of {@link granet}. */
export type GranetOptions = z.input<typeof granetOptions>;

/**
 * GraNet (Liu et al. 2021, "Sparse Training via Boosting Pruning Plasticity with Neuroregeneration"): gradual
 * magnitude pruning on the cubic schedule s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³ (Zhu & Gupta 2017) from a
 * dense start (or s_i > 0, reached by pruning at t0), pruning globally; at every pruning step, after pruning, drop
 * the fraction r(t) of the remaining active weights with the lowest |w| and regrow as many where |∂L/∂w| is
 * largest (zero-cost neuroregeneration), r cosine-decayed from 0.3. Δt = 100, t0 = 0, t0 + nΔt = 75% of training.
 */
export function granet(options: GranetOptions): SparseStrategy {
  return createComponent(granetDescriptor, options, { path: 'granet' });
}

/** The descriptor of {@link granet}: method `granet`. */
export const granetDescriptor = defineComponent({
  family: 'preset',
  kind: 'granet',
  doc: 'GraNet (Liu et al. 2021): global gradual magnitude pruning (cubic schedule) with neuroregeneration: each pruning step also replaces a cosine-decayed fraction r = 0.3 of the rest, grown by gradient.',
  options: granetOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options, context): SparseStrategy => {
    const path = context?.path ?? 'granet';
    // gradual magnitude pruning (global by default), with the regeneration on top
    const pruning = magnitudePruningDescriptor.create({ ...options, scope: options.scope ?? GRANET_DEFAULT_SCOPE }, { path });
    const window = pruningWindow(options, path);
    return {
      ...pruning,
      name: 'granet',
      update: {
        ...pruning.update!,
        grow: gradientGrow(),
        growInit: defaultGrowInit(options),
        // r decays over the pruning steps [t0, t0 + nΔt]: 0 at the last one, which only prunes
        dropFraction: dropFractionSchedule(options.dropSchedule ?? 'cosine', options.dropFraction ?? GRANET_DEFAULT_DROP_FRACTION, { begin: window.begin, end: window.end, every: window.every }),
      },
    };
  },
});
