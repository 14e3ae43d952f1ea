import type * as tf from '@tensorflow/tfjs-core';
import { check } from './validate.js';

/** Sets a tfjs optimizer's learning rate (SGD, momentum, Adam and the other tfjs optimizers); throws for one without a learning rate. */
export function setOptimizerLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  check(Number.isFinite(learningRate) && learningRate > 0, 'learningRate', learningRate, 'a positive finite number');
  const opt = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate?: number };
  // not `instanceof tf.SGDOptimizer`: tfjs's optimizer classes answer instanceof by duck typing, and an Adam
  // optimizer passes it without having setLearningRate
  if (typeof opt.setLearningRate === 'function') opt.setLearningRate(learningRate);
  else if ('learningRate' in opt) opt.learningRate = learningRate;
  else throw new Error(`setLearningRate: optimizer ${optimizer.getClassName()} has no learning rate to set`);
}
