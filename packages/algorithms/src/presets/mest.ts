import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { mestDrop } from '@topiary/drop';
import { randomGrow } from '@topiary/grow';
import { z } from 'zod';
import { dropScheduleField, fractionField, presetFields, updateOptionFields } from './fields.js';
import { riglDescriptor } from './rigl.js';

const mestOptions = closedObject({
  ...presetFields,
  ...updateOptionFields,
  lambda: z.number().min(0, 'must be ≥ 0').describe('Weight λ of the gradient in the drop score |w| + λ|∂L/∂w|; required, since the paper gives no single value (it asks for a small λ).'),
  dropFraction: fractionField.optional().describe('Initial fraction of active weights mutated (dropped and regrown) per update. Default 0.3, as RigL.'),
  dropSchedule: dropScheduleField.optional().describe("Decay of the mutation fraction. Default 'cosine', as RigL."),
});

/** Options of {@link mest}. */
export type MestOptions = z.input<typeof mestOptions>;

/**
 * MEST with elastic mutation (Yuan et al. 2021, "MEST: Accurate and Fast Memory-Economic Sparse Training
 * Framework on the Edge"): at each update drop the active weights with the lowest |w| + λ|∂L/∂w| and grow as many
 * at random, so no dense gradient is needed. The schedule (ΔT 100, α 0.3 cosine, T_end 75%) and ERK follow RigL's
 * defaults; MEST's soft memory bound (grow before drop) and data-efficient sample removal are not part of it.
 */
export function mest(options: MestOptions): SparseStrategy {
  return createComponent(mestDescriptor, options);
}

/** The descriptor of {@link mest}: method `mest`. */
export const mestDescriptor = defineComponent({
  family: 'preset',
  kind: 'mest',
  doc: 'MEST (Yuan et al. 2021): drop by |w| + λ|∂L/∂w|, grow at random; no dense gradient. RigL\'s schedule and ERK.',
  options: mestOptions,
  example: { sparsity: 0.9, totalSteps: 1000, lambda: 0.01 },
  create: ({ lambda, ...rigl }, context): SparseStrategy => ({
    // RigL's schedule and distribution with MEST's criteria: one implementation of the update window
    ...riglDescriptor.create({ ...rigl, drop: mestDrop({ lambda }), grow: randomGrow() }, { path: context?.path ?? 'mest' }),
    name: 'mest',
  }),
});
