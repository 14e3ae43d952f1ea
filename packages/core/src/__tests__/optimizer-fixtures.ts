import * as tf from '@tensorflow/tfjs-core';

/** One of each tfjs optimizer with small, stable settings, by name: what the checkpoint and property tests cover. */
export const TEST_OPTIMIZERS = {
  sgd: () => tf.train.sgd(0.1),
  momentum: () => tf.train.momentum(0.05, 0.9),
  nesterov: () => tf.train.momentum(0.05, 0.9, true),
  adam: () => tf.train.adam(0.01),
  rmsprop: () => tf.train.rmsprop(0.005, 0.9, 0.5),
  adagrad: () => tf.train.adagrad(0.1),
} as const satisfies Record<string, () => tf.Optimizer>;
