import * as tf from '@tensorflow/tfjs-core';
import { checkLayerMatchesWeight, closedObject, createComponent, defineComponent } from '@topiary/core';
import type { DropCriterion } from '@topiary/core';
import { z } from 'zod';

const magnitudeDropOptions = closedObject({
  tieBreakNoise: z
    .number()
    .min(0, 'must be ≥ 0')
    .optional()
    .describe("Standard deviation σ of Gaussian noise N(0, σ²) added to every score to break ties at random (RigL's official code uses 1e-5). With 0 (the default) no random numbers are drawn and ties go to the lower flat index."),
});

/** Options of {@link magnitudeDrop}. */
export type MagnitudeDropOptions = z.input<typeof magnitudeDropOptions>;

/**
 * Magnitude drop (RigL, Evci et al. 2020, §3; also SET and SNFS): score(w) = |w| (+ σ·z, z ~ N(0, 1) drawn
 * from `ctx.rng` when `tieBreakNoise` σ > 0), so the active weights closest to zero are dropped first.
 *
 * @example
 * ```ts
 * const drop = magnitudeDrop({ tieBreakNoise: 1e-5 });
 * const scores = drop.score(ctx); // the caller disposes `scores`
 * ```
 */
export function magnitudeDrop(options: MagnitudeDropOptions = {}): DropCriterion {
  return createComponent(magnitudeDropDescriptor, options);
}

/** The descriptor of {@link magnitudeDrop}: kind `magnitude`. */
export const magnitudeDropDescriptor = defineComponent({
  family: 'drop',
  kind: 'magnitude',
  doc: 'Drop the active weights with the smallest |w| (RigL, SET, SNFS).',
  options: magnitudeDropOptions,
  create: ({ tieBreakNoise = 0 }): DropCriterion => ({
    kind: 'magnitude',
    needs: {},
    score(ctx) {
      if (tieBreakNoise === 0) return tf.abs(ctx.weight);
      checkLayerMatchesWeight(ctx, 'magnitude drop');
      const noise = new Float32Array(ctx.layer.size);
      for (let i = 0; i < noise.length; i++) noise[i] = tieBreakNoise * ctx.rng.normal();
      return tf.tidy(() => tf.add(tf.abs(ctx.weight), tf.tensor(noise, [...ctx.weight.shape], 'float32')));
    },
  }),
});
