import * as tf from '@tensorflow/tfjs-core';
import type { ScoreContext } from '@topiary/core';
import { checkLayerMatchesWeight } from './context-checks.js';

/**
 * Uniform [0, 1) scores of the kernel's shape, drawn on the host from `ctx.rng` so that the same seed gives
 * the same scores on every backend.
 */
export function hostUniformScores(ctx: ScoreContext, criterion: string): tf.Tensor {
  checkLayerMatchesWeight(ctx, criterion);
  return tf.tensor(ctx.rng.uniformArray(ctx.layer.size), [...ctx.weight.shape], 'float32');
}
