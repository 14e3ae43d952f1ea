import * as tf from '@tensorflow/tfjs-core';

/** The activations a layer of the sparse engine applies after its product and bias (those of tfjs Dense layers it can hold). */
export const sparseActivations = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;

/** One of {@link sparseActivations}. */
export type SparseActivation = (typeof sparseActivations)[number];

/** Applies `activation` with the tfjs op tfjs-layers uses for it, so both engines compute the same values. */
export function applyActivation(activation: SparseActivation, x: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x);
  }
}

/** Whether `name` is an activation the sparse engine applies. */
export function isSparseActivation(name: unknown): name is SparseActivation {
  return typeof name === 'string' && (sparseActivations as readonly string[]).includes(name);
}
