import * as tf from '@tensorflow/tfjs-core';
import { constantSchedule, updateSchedule } from '../schedules.js';
import { gradientGrow, magnitude, uniformTest } from '../testing/reference-strategies.js';
import type { SparseStrategy } from '../types.js';

/** One of each tfjs optimizer with small, stable settings, by name: what the checkpoint and property tests cover. */
export const TEST_OPTIMIZERS = {
  sgd: () => tf.train.sgd(0.1),
  momentum: () => tf.train.momentum(0.05, 0.9),
  nesterov: () => tf.train.momentum(0.05, 0.9, true),
  adam: () => tf.train.adam(0.01),
  rmsprop: () => tf.train.rmsprop(0.005, 0.9, 0.5),
  adagrad: () => tf.train.adagrad(0.1),
} as const satisfies Record<string, () => tf.Optimizer>;

/** A RigL-like strategy at sparsity 0.8 (magnitude drop, gradient growth, drop fraction 0.3) updating every `every` steps from 0 to `end`. */
export function testRigl(every: number, end = 1000): SparseStrategy {
  return {
    name: 'rigl-test',
    sparsity: 0.8,
    distribution: uniformTest,
    init: { kind: 'random' },
    update: { schedule: updateSchedule({ begin: 0, end, every }), drop: magnitude, grow: gradientGrow, dropFraction: constantSchedule(0.3) },
  };
}
