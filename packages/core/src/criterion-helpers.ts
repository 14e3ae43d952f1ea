// Helpers for criterion authors: input checks and reproducible random scores, shared by every criterion package.
import * as tf from '@tensorflow/tfjs-core';
import type { ScoreContext } from './types.js';

/** Throws unless the layer's declared size matches the kernel tensor's, so host-built scores fit the kernel. */
export function checkLayerMatchesWeight(ctx: ScoreContext, criterion: string): void {
  if (ctx.layer.size !== ctx.weight.size) {
    throw new RangeError(
      `${criterion}: layer.size must equal the kernel's size ${ctx.weight.size} (shape [${ctx.weight.shape.join(', ')}]), ` +
        `got ${ctx.layer.size}`,
    );
  }
}

/**
 * Returns the optional input a criterion declared in `needs`, or throws when the engine did not supply it
 * or supplied it with a shape other than the kernel's.
 */
export function requireInput(ctx: ScoreContext, input: 'gradient' | 'momentum', criterion: string): tf.Tensor {
  const tensor = ctx[input];
  if (tensor === undefined) {
    throw new TypeError(`${criterion}: ${input} must be a tensor of the kernel's shape (the criterion declares needs.${input}), got undefined`);
  }
  const same = tensor.shape.length === ctx.weight.shape.length && tensor.shape.every((d, i) => d === ctx.weight.shape[i]);
  if (!same) {
    throw new RangeError(
      `${criterion}: ${input}.shape must equal the kernel's shape [${ctx.weight.shape.join(', ')}], got [${tensor.shape.join(', ')}]`,
    );
  }
  return tensor;
}

/**
 * Uniform [0, 1) scores of the kernel's shape, drawn on the host from `ctx.rng` so that the same seed gives
 * the same scores on every backend.
 */
export function hostUniformScores(ctx: ScoreContext, criterion: string): tf.Tensor {
  checkLayerMatchesWeight(ctx, criterion);
  return tf.tensor(ctx.rng.uniformArray(ctx.layer.size), [...ctx.weight.shape], 'float32');
}
