import * as tf from '@tensorflow/tfjs-core';
import { check } from '@topiary/core';
import type { OptimizerConfig } from './config.js';

/**
 * A new tfjs optimizer for `config` at `learningRate`: 'sgd', 'momentum' (v ← μv + g, w ← w − lr·v, as PyTorch),
 * 'nesterov' (the same with Nesterov's look-ahead) or 'adam' (Kingma & Ba 2015). The caller disposes it.
 */
export function buildOptimizer(config: OptimizerConfig, learningRate: number): tf.Optimizer {
  check(Number.isFinite(learningRate) && learningRate > 0, 'learningRate', learningRate, 'a positive finite number');
  switch (config.kind) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, config.momentum, false);
    case 'nesterov':
      return tf.train.momentum(learningRate, config.momentum, true);
    case 'adam':
      return tf.train.adam(learningRate, config.beta1, config.beta2, config.epsilon);
    default: {
      const unknown: never = config;
      throw new RangeError(
        `optimizer.kind must be 'sgd', 'momentum', 'nesterov' or 'adam', got ${JSON.stringify((unknown as { kind: unknown }).kind)}`,
      );
    }
  }
}

/**
 * Disposes an optimizer and everything it holds. tfjs 4.22's MomentumOptimizer overrides `dispose()` without
 * releasing the learning-rate scalar it inherits from SGDOptimizer, which would leak one tensor per run; it is
 * released here as well.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const learningRateScalar = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (learningRateScalar instanceof tf.Tensor && !learningRateScalar.isDisposed) learningRateScalar.dispose();
}
