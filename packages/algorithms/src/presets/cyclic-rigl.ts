import { closedObject, componentOption, createComponent, cyclicScheduleDescriptor, defineComponent, showValue } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { z } from 'zod';
import { presetUpdateSchedule } from './common.js';
import { riglDescriptor } from './rigl.js';
import { dropScheduleField, fractionField, positiveIntField, presetFields, updateOptionFields, updateScopeField } from './fields.js';

// Defaults. A Topiary method, not a paper's: RigL's drop and grow (Evci et al. 2020: ΔT = 100, α = 0.3 cosine,
// T_end = 75%, ERK, zeros) with a target sparsity that cycles around the strategy's sparsity s. Density swings by
// ±50% of its final value d = 1 − s (swing 0.5) and the swing decays linearly to 0 at the last update step, so the
// last update ends every layer at its budget at s. Eight updates per cycle (period 8ΔT) sample each cosine cycle
// finely enough to follow it; neither value comes from a paper.
const DEFAULT_SWING = 0.5;
const UPDATES_PER_CYCLE = 8;

const cyclicRiglOptions = closedObject({
  ...presetFields,
  ...updateOptionFields,
  dropFraction: fractionField.optional().describe('Initial drop fraction α of the weights left after pruning. Default 0.3.'),
  dropSchedule: dropScheduleField.optional().describe("Decay of the drop fraction. Default 'cosine'."),
  swing: z.number().min(0, 'must be ≥ 0').lt(1, 'must be < 1').optional().describe('Half-swing of density as a fraction of the final density 1 − s: the target runs between s − swing·(1 − s) and s + swing·(1 − s). Default 0.5.'),
  period: positiveIntField.optional().describe('Steps per cycle of the target sparsity. Default 8 × updateEvery.'),
  drop: componentOption('drop').optional().describe('Replaces the drop criterion. Default: magnitude.'),
  grow: componentOption('grow').optional().describe('Replaces the grow criterion. Default: gradient.'),
  scope: updateScopeField.optional().describe("`layer` (the default): every layer follows its share of the target; `global`: the total does, by one ranking across layers."),
});

/** Options of {@link cyclicRigl}. */
export type CyclicRiglOptions = z.input<typeof cyclicRiglOptions>;

/**
 * Cyclic RigL (a Topiary preset): RigL's update (Evci et al. 2020: drop the fraction f(t) = α/2·(1 + cos(πt/T_end))
 * of the weights by |w|, regrow as many by |∂L/∂w|) with a target sparsity on the annealed cyclic schedule
 * s_t = s + a(p) cos(2π(t − begin)/period), a(p) = swing·(1 − s)·(1 − p): layers above their budget prune down to it,
 * layers below grow up to it, and the last update step (p = 1) ends every layer at its budget at `sparsity`.
 */
export function cyclicRigl(options: CyclicRiglOptions): SparseStrategy {
  return createComponent(cyclicRiglDescriptor, options);
}

/** The descriptor of {@link cyclicRigl}: method `cyclic-rigl`. */
export const cyclicRiglDescriptor = defineComponent({
  family: 'preset',
  kind: 'cyclic-rigl',
  doc: "RigL's drop and grow with a target sparsity cycling around the sparsity (density ±50%, period 8 updates), the swing annealed to 0 at the last update.",
  options: cyclicRiglOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options, context): SparseStrategy => {
    const path = context?.path ?? 'cyclic-rigl';
    const schedule = presetUpdateSchedule(path, options.totalSteps, options, { end: 0.75 });
    const { sparsity } = options;
    // the last step that updates: the target reaches `sparsity` there
    const last = schedule.begin + schedule.every * Math.floor((schedule.end - 1 - schedule.begin) / schedule.every);
    if (last <= schedule.begin) {
      throw new RangeError(`${path}.updateEvery: must leave at least one mask update in (begin, T_end) = (${schedule.begin}, ${schedule.end}) for the target to cycle (got ${showValue(schedule.every)})`);
    }
    const swing = (options.swing ?? DEFAULT_SWING) * (1 - sparsity);
    if (sparsity - swing < 0) {
      throw new RangeError(`${path}.swing: must be ≤ sparsity / (1 − sparsity) = ${showValue(sparsity / (1 - sparsity))}, so that the least sparse target stays ≥ 0 (got ${showValue(options.swing ?? DEFAULT_SWING)})`);
    }
    const period = options.period ?? UPDATES_PER_CYCLE * schedule.every;
    const targetSparsity = createComponent(
      cyclicScheduleDescriptor,
      { low: sparsity - swing, high: sparsity + swing, period, anneal: true, final: sparsity },
      { path: `${path}.targetSparsity`, context: { begin: schedule.begin, end: last } },
    );
    const scope = options.scope ?? 'layer';
    // RigL's distribution, init, schedule, criteria and drop fraction, with the cycling target on top
    const rigl = riglDescriptor.create(options, { path });
    return {
      ...rigl,
      name: 'cyclic-rigl',
      update: { ...rigl.update!, targetSparsity, ...(scope === 'global' ? { scope: 'global' as const } : {}) },
    };
  },
});
