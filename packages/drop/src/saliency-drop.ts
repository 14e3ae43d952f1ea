import * as tf from '@tensorflow/tfjs-core';
import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { DropCriterion } from '@topiary/core';
import { requireInput } from '@topiary/core';

/**
 * Saliency drop: score(w) = |w · ∂L/∂w|, the connection sensitivity of SNIP (Lee et al. 2019, eq. 6, up to
 * the normalisation by the sum, which does not change the order) and the first-order Taylor estimate of the
 * loss change when removing w. As a drop criterion the least salient weights go first; SNIP uses the same
 * score to keep the highest at initialisation. Needs the dense gradient of the current batch.
 */
export function saliencyDrop(): DropCriterion {
  return createComponent(saliencyDropDescriptor, {});
}

/** The descriptor of {@link saliencyDrop}: kind `saliency`, no options. */
export const saliencyDropDescriptor = defineComponent({
  family: 'drop',
  kind: 'saliency',
  doc: "Drop the active weights with the smallest saliency |w · ∂L/∂w| (SNIP's connection sensitivity).",
  options: closedObject({}),
  create: (): DropCriterion => ({
    kind: 'saliency',
    needs: { gradient: true },
    score(ctx) {
      const gradient = requireInput(ctx, 'gradient', 'saliency drop');
      return tf.tidy(() => tf.abs(tf.mul(ctx.weight, gradient)));
    },
  }),
});
