import * as tf from '@tensorflow/tfjs-core';
import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { GrowCriterion } from '@topiary/core';
import { requireInput } from '@topiary/core';

/**
 * Momentum growth (SNFS, sparse momentum, Dettmers & Zettlemoyer 2019, §3): score = |m|, where m is an
 * exponential moving average of the DENSE gradient that the engine keeps every step.
 *
 * Pitfall: a momentum read from an optimizer whose gradients are masked is exactly zero at every inactive
 * position, so growth by |m| could only pick the weights just dropped and the method silently becomes static
 * sparse training. Feed this criterion the momentum of the dense gradient (`ctx.momentum`), never the
 * optimizer's masked buffer.
 */
export function momentumGrow(): GrowCriterion {
  return createComponent(momentumGrowDescriptor, {});
}

/** The descriptor of {@link momentumGrow}: kind `momentum`, no options. */
export const momentumGrowDescriptor = defineComponent({
  family: 'grow',
  kind: 'momentum',
  doc: 'Grow the inactive positions with the largest |momentum| of the dense gradient (SNFS).',
  options: closedObject({}),
  create: (): GrowCriterion => ({
    kind: 'momentum',
    needs: { momentum: true },
    score: (ctx) => tf.abs(requireInput(ctx, 'momentum', 'momentum grow')),
  }),
});
