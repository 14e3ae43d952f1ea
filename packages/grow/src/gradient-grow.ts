import * as tf from '@tensorflow/tfjs-core';
import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { GrowCriterion } from '@topiary/core';
import { requireInput } from '@topiary/core';

/**
 * Gradient growth (RigL, Evci et al. 2020, §3: grow the connections with the largest
 * |∂L/∂W| of the current batch): score = |g|, where g is the dense gradient, i.e. also at positions whose
 * weight is 0. Needs the gradient.
 *
 * @example
 * ```ts
 * const grow = gradientGrow();
 * const scores = grow.score(ctx); // ctx.gradient must be set: grow.needs.gradient is true
 * const grown = selectHighestInactive(await scores.data(), await ctx.mask.data(), k);
 * scores.dispose();
 * ```
 */
export function gradientGrow(): GrowCriterion {
  return createComponent(gradientGrowDescriptor, {});
}

/** The descriptor of {@link gradientGrow}: kind `gradient`, no options. */
export const gradientGrowDescriptor = defineComponent({
  family: 'grow',
  kind: 'gradient',
  doc: 'Grow the inactive positions with the largest dense-gradient magnitude |∂L/∂w| (RigL).',
  options: closedObject({}),
  create: (): GrowCriterion => ({
    kind: 'gradient',
    needs: { gradient: true },
    score: (ctx) => tf.abs(requireInput(ctx, 'gradient', 'gradient grow')),
  }),
});
