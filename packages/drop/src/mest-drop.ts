import * as tf from '@tensorflow/tfjs-core';
import { closedObject, createComponent, defineComponent, requireInput } from '@topiary/core';
import type { DropCriterion } from '@topiary/core';
import { z } from 'zod';

const mestDropOptions = closedObject({
  lambda: z.number().min(0, 'must be ≥ 0').describe('Weight λ of the gradient term; the paper asks for a small λ, so that magnitude dominates and the gradient breaks near-ties.'),
});

/** Options of {@link mestDrop}. */
export type MestDropOptions = z.input<typeof mestDropOptions>;

/**
 * MEST's drop score (Yuan et al. 2021, "MEST: Accurate and Fast Memory-Economic Sparse Training Framework on the
 * Edge", §3): score(w) = |w| + λ·|∂L/∂w|, so the weights dropped first are small *and* receive little gradient.
 * Only the gradient at active weights matters (inactive positions are never dropped), so a sparse engine needs
 * no dense gradient for it. λ = 0 is magnitude drop.
 *
 * @example
 * ```ts
 * const drop = mestDrop({ lambda: 0.01 }); // needs.gradient is true
 * ```
 */
export function mestDrop(options: MestDropOptions): DropCriterion {
  return createComponent(mestDropDescriptor, options);
}

/** The descriptor of {@link mestDrop}: kind `mest`, option `lambda`. */
export const mestDropDescriptor = defineComponent({
  family: 'drop',
  kind: 'mest',
  doc: "MEST's drop score |w| + λ|∂L/∂w| (Yuan et al. 2021): drop the weights that are small and receive little gradient.",
  options: mestDropOptions,
  example: { lambda: 0.01 },
  create: ({ lambda }): DropCriterion => ({
    kind: 'mest',
    needs: { gradient: true },
    score(ctx) {
      const gradient = requireInput(ctx, 'gradient', 'mest drop');
      return tf.tidy(() => tf.add(tf.abs(ctx.weight), tf.mul(tf.scalar(lambda), tf.abs(gradient))));
    },
  }),
});
