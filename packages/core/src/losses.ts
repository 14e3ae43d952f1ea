import * as tf from '@tensorflow/tfjs-core';

/** A loss from targets and predictions to a scalar. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;

/** Built-in losses by name. */
export type LossName = 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'softmaxCrossEntropy' | 'meanSquaredError';

/** Names accepted by {@link resolveLoss}. */
export const lossNames: readonly LossName[] = ['categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'softmaxCrossEntropy', 'meanSquaredError'];

const EPSILON = 1e-7;

/** Mean cross-entropy of one-hot targets against predicted probabilities (a softmax output layer). */
function categoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(yPred, EPSILON, 1 - EPSILON))), -1))));
}

/** Cross-entropy of integer class labels against predicted probabilities. */
function sparseCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const classes = yPred.shape[yPred.shape.length - 1]!;
    const oneHot = tf.oneHot(tf.cast(tf.reshape(yTrue, [-1]), 'int32'), classes);
    return categoricalCrossentropy(oneHot, tf.reshape(yPred, [-1, classes]));
  });
}

/** Cross-entropy of one-hot targets against logits (no softmax layer in the model). */
function softmaxCrossEntropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(yTrue, yPred) as tf.Scalar;
}

/** Mean squared error. */
function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(yTrue, yPred)));
}

const LOSSES: Record<LossName, LossFunction> = {
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  softmaxCrossEntropy,
  meanSquaredError,
};

/** Returns the loss function for a name or passes a function through. */
export function resolveLoss(loss: LossName | LossFunction): LossFunction {
  if (typeof loss === 'function') return loss;
  const fn = LOSSES[loss];
  if (!fn) throw new RangeError(`loss must be a function or one of ${lossNames.join(', ')}, got ${JSON.stringify(loss)}`);
  return fn;
}
