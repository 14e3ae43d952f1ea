import * as tf from '@tensorflow/tfjs-core';
import type { PrunableKernel } from './layers.js';

/**
 * Zeroes the optimizer's per-weight state (momentum, Adam's first and second moments, …) at the positions
 * whose mask changed, so that grown weights start with fresh state and dropped weights leave none behind.
 * Works with every tfjs optimizer that implements `getWeights()` (slots are named `<variable>/<slot>`).
 */
export async function resetOptimizerSlots(
  optimizer: tf.Optimizer,
  kernels: readonly PrunableKernel[],
  changed: readonly tf.Tensor[],
): Promise<{ ok: true } | { ok: false; reason: string }> {
  let weights: { name: string; tensor: tf.Tensor }[];
  try {
    weights = await optimizer.getWeights();
  } catch (error) {
    return { ok: false, reason: `optimizer ${optimizer.getClassName()} does not expose its state (getWeights): optimizer slots of changed weights were not reset (${(error as Error).message})` };
  }
  try {
    tf.tidy(() => {
      for (const { name, tensor } of weights) {
        if (!(tensor instanceof tf.Variable)) continue;
        const index = kernels.findIndex((k) => name.startsWith(`${k.variable.name}/`));
        if (index < 0) continue;
        // by selection, not by a product, so that a non-finite slot value is reset too
        tensor.assign(tf.where(tf.greater(changed[index]!, 0), tf.zerosLike(tensor), tensor));
      }
    });
  } finally {
    // getWeights returns fresh tensors (e.g. the iteration count) next to the slot variables
    tf.dispose(weights.filter(({ tensor }) => !(tensor instanceof tf.Variable)).map(({ tensor }) => tensor));
  }
  return { ok: true };
}
