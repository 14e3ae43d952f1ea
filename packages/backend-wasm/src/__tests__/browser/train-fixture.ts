import * as tf from '@tensorflow/tfjs-core';

/** Deterministic values in [-scale, scale] from a sine sequence (the same on every backend). */
function fixedValues(count: number, seed: number, scale: number): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = scale * Math.sin(seed * 7.13 + i * 1.618);
  return values;
}

/** What {@link trainConvNet} reports: the loss of every step and the final weights, flattened. */
export interface TrainedNet {
  /** The loss of every step. */
  readonly losses: number[];
  /** Every weight after the last step, in a fixed order. */
  readonly weights: number[];
}

/**
 * Trains a small convolution + dense classifier (conv 3×3 → relu → conv 3×3, stride 2 → relu → dense with its bias fused → relu → dense) by
 * SGD on fixed data on the active backend: its steps run BatchMatMul, _FusedMatMul, Conv2DBackpropFilter and
 * Conv2DBackpropInput (the second convolution's input gradient). Every tensor it makes is disposed.
 */
export async function trainConvNet(steps: number): Promise<TrainedNet> {
  const batch = 16;
  const x = tf.tensor4d(fixedValues(batch * 10 * 10 * 2, 1, 1), [batch, 10, 10, 2]);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7) % 5), 'int32'), 5));
  const make = (shape: number[], seed: number, scale: number) => tf.variable(tf.tensor(fixedValues(shape.reduce((p, d) => p * d, 1), seed, scale), shape));
  const variables = [make([3, 3, 2, 4], 2, 0.3), make([3, 3, 4, 6], 3, 0.2), make([5 * 5 * 6, 24], 4, 0.1), make([24], 5, 0.1), make([24, 5], 6, 0.2)];
  const [c1, c2, w1, b1, w2] = variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const optimizer = tf.train.sgd(0.05);
  const losses: number[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const loss = optimizer.minimize(() => {
        const h1 = tf.relu(tf.conv2d(x, c1 as tf.Tensor4D, 1, 'same'));
        const h2 = tf.relu(tf.conv2d(h1, c2 as tf.Tensor4D, 2, 'same')) as tf.Tensor4D;
        const flat = tf.reshape(h2, [batch, -1]);
        // under a gradient tape tfjs fuses only linear activations, so the relu follows the fused product
        const hidden = tf.relu(tf.fused.matMul({ a: flat, b: w1 as tf.Tensor2D, bias: b1 }));
        return tf.losses.softmaxCrossEntropy(labels, tf.matMul(hidden, w2));
      }, true);
      if (loss === null) throw new Error('minimize returned no loss');
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
    const weights: number[] = [];
    for (const v of variables) weights.push(...(await v.data()));
    return { losses, weights };
  } finally {
    optimizer.dispose();
    tf.dispose([x, labels, ...variables]);
  }
}
