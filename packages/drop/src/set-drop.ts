import * as tf from '@tensorflow/tfjs-core';
import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { DropCriterion } from '@topiary/core';

/**
 * SET's drop rule (Mocanu et al. 2018, applied after each epoch): remove the fraction ζ of the smallest
 * positive weights and the fraction ζ of the largest negative weights, i.e. those closest to zero on each side.
 *
 * Expressed as a score so that dropping the k = round(ζ · active) lowest scores removes about ζ of each sign
 * group (within one weight per sign): an active weight w > 0 scores r₊(w) / n₊, where r₊(w) ∈ 1..n₊ is its
 * rank by |w| ascending among the n₊ active positive weights; negative weights likewise within their own
 * group. Active weights equal to 0 (e.g. grown at zero) are the closest to zero of all and score 0;
 * inactive positions score 1. Equal magnitudes within a group are ranked by flat index where the backend's
 * `topk` breaks ties that way (the CPU backend does).
 *
 * Runs entirely in tensor ops (one full `topk` sort, two cumulative sums and a scatter): no host reads.
 * Ranks are exact for groups of up to 2²⁴ weights (float32 integers).
 *
 * @example
 * ```ts
 * const scores = setDrop().score(ctx);
 * const active = countActive(await ctx.mask.data());
 * const dropped = selectLowestActive(await scores.data(), await ctx.mask.data(), Math.round(0.3 * active)); // ζ = 0.3
 * scores.dispose();
 * ```
 */
export function setDrop(): DropCriterion {
  return createComponent(setDropDescriptor, {});
}

/** The descriptor of {@link setDrop}: kind `set`, no options. */
export const setDropDescriptor = defineComponent({
  family: 'drop',
  kind: 'set',
  doc: "SET's rule: drop the positive and the negative weights closest to zero, ζ of each sign.",
  options: closedObject({}),
  create: (): DropCriterion => ({
    kind: 'set',
    needs: {},
    score(ctx) {
      return tf.tidy(() => {
        const n = ctx.weight.size;
        const w = tf.reshape(ctx.weight, [n]);
        const active = tf.greater(tf.reshape(ctx.mask, [n]), 0);
        const positive = tf.cast(tf.logicalAnd(active, tf.greater(w, 0)), 'float32');
        const negative = tf.cast(tf.logicalAnd(active, tf.less(w, 0)), 'float32');
        // Positions in ascending |w| order (topk of −|w| sorts descending).
        const order = tf.topk(tf.neg(tf.abs(w)), n, true).indices;
        const groupScore = (member: tf.Tensor): tf.Tensor => {
          const sortedMember = tf.gather(member, order);
          const rank = tf.mul(tf.cumsum(sortedMember), sortedMember);
          return tf.div(rank, tf.maximum(tf.sum(member), 1));
        };
        const sortedScore = tf.add(groupScore(positive), groupScore(negative));
        const score = tf.scatterND(tf.expandDims(order, 1), sortedScore, [n]);
        return tf.reshape(tf.where(active, score, tf.onesLike(score)), ctx.weight.shape);
      });
    },
  }),
});
