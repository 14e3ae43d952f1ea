import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { checkLayerMatchesWeight, closedObject, createComponent, defineComponent, requireInput, sampleDistinctPositions } from '@topiary/core';
import type { GrowCriterion, ScoreContext } from '@topiary/core';

const gseOptions = closedObject({
  subsetFactor: z
    .number()
    .min(1, 'must be ≥ 1')
    .optional()
    .describe('Candidates sampled per weight to grow: the subset holds ceil(subsetFactor · k) positions drawn uniformly from the layer. Default 2 (a Topiary default: the method samples "a small multiple" of k).'),
});

/** Options of {@link gseGrow}. */
export type GseGrowOptions = z.input<typeof gseOptions>;

/** The score GSE gives a position outside its sampled subset: below every |g| ≥ 0, so sampled positions are grown first. */
export const GSE_UNSAMPLED_SCORE = -1;

/**
 * Guided stochastic exploration (GSE; Heddes, Srinivasa, Givargis, Nicolau 2024, "Always-Sparse Training by
 * Growing Connections with Guided Stochastic Exploration"): sample a subset C of s = ⌈γ · k⌉ distinct positions
 * uniformly from the layer (k the number to grow, γ = `subsetFactor`), score(p) = |∂L/∂w_p| for p ∈ C and −1
 * elsewhere, so the k grown are the inactive positions of C with the largest gradient magnitude (active ones in C
 * are ignored by the planner; should C hold fewer than k inactive positions, the rest go to the lowest-index
 * inactive positions). Only |C| gradient entries are needed: the sparse engine computes them one dot product each,
 * O(s · batch) per update instead of RigL's dense gradient; the masked engine reads them off its dense gradient.
 * The subset is drawn by `sampleDistinctPositions` from `ctx.rng`, so both engines grow the same weights.
 * Needs the gradient and the count to grow (layer scope, unstructured).
 */
export function gseGrow(options: GseGrowOptions = {}): GrowCriterion {
  return createComponent(gseGrowDescriptor, options);
}

/** The size of GSE's candidate subset for k weights to grow in a layer of `size` weights: min(size, ⌈γ · k⌉). */
export function gseSubsetSize(subsetFactor: number, count: number, size: number): number {
  return Math.min(size, Math.ceil(subsetFactor * count));
}

/** The descriptor of {@link gseGrow}: kind `gse`. */
export const gseGrowDescriptor = defineComponent({
  family: 'grow',
  kind: 'gse',
  doc: 'Grow the inactive positions with the largest |∂L/∂w| within a random subset of ⌈γ·k⌉ candidates (GSE, Heddes et al. 2024).',
  options: gseOptions,
  create: ({ subsetFactor = 2 }): GrowCriterion & { readonly subsetFactor: number } => ({
    kind: 'gse',
    subsetFactor,
    needs: { gradient: true },
    score: (ctx: ScoreContext) => {
      const gradient = requireInput(ctx, 'gradient', 'gse grow');
      checkLayerMatchesWeight(ctx, 'gse grow');
      if (ctx.count === undefined) {
        throw new Error("gse grow: the count to grow must be known when scoring (ScoreContext.count); GSE runs under layer scope without N:M or fan-in groups, not under scope 'global'");
      }
      const subset = sampleDistinctPositions(ctx.layer.size, gseSubsetSize(subsetFactor, ctx.count, ctx.layer.size), ctx.rng);
      const sampled = new Float32Array(ctx.layer.size);
      for (const p of subset) sampled[p] = 1;
      return tf.tidy(() => tf.where(tf.greater(tf.tensor(sampled, [...ctx.weight.shape]), 0), tf.abs(gradient), tf.fill([...ctx.weight.shape], GSE_UNSAMPLED_SCORE)));
    },
  }),
});
