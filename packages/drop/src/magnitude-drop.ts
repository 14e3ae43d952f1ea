import * as tf from '@tensorflow/tfjs-core';
import { check, checkOptionKeys } from '@topiary/core';
import type { DropCriterion } from '@topiary/core';
import { checkLayerMatchesWeight } from '@topiary/core';

/** Options of {@link magnitudeDrop}. */
export interface MagnitudeDropOptions {
  /**
   * Standard deviation σ of Gaussian noise N(0, σ²) added to every score to break ties at random (RigL's
   * official code uses 1e-5). With 0 no random numbers are drawn and ties go to the lower flat index.
   * @default 0
   */
  tieBreakNoise?: number;
}

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
  checkOptionKeys(options, ['tieBreakNoise'], 'magnitude');
  const { tieBreakNoise = 0 } = options;
  check(Number.isFinite(tieBreakNoise) && tieBreakNoise >= 0, 'magnitude.tieBreakNoise', tieBreakNoise, 'a finite number ≥ 0');
  return {
    kind: 'magnitude',
    needs: {},
    score(ctx) {
      if (tieBreakNoise === 0) return tf.abs(ctx.weight);
      checkLayerMatchesWeight(ctx, 'magnitude drop');
      const noise = new Float32Array(ctx.layer.size);
      for (let i = 0; i < noise.length; i++) noise[i] = tieBreakNoise * ctx.rng.normal();
      return tf.tidy(() => tf.add(tf.abs(ctx.weight), tf.tensor(noise, [...ctx.weight.shape], 'float32')));
    },
  };
}
