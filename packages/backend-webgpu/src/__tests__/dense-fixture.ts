import * as tf from '@tensorflow/tfjs-core';

/** Deterministic values in [-scale, scale] from a sine sequence (the same on every backend). */
export function fixedValues(count: number, seed: number, scale: number): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = scale * Math.sin(seed * 7.13 + i * 1.618);
  return values;
}

/** The sizes of the small dense regression network. */
const INPUTS = 6;
const HIDDEN = 16;
const BATCH = 32;

/**
 * Trains a 6-16-1 ReLU network by full-batch SGD on a fixed regression task on the active backend and returns
 * the loss of every step, read with `await data()` (synchronous reads are unavailable under WebGPU in Node).
 * Every tensor it creates is disposed.
 */
export async function trainDenseSteps(steps: number, learningRate = 0.1): Promise<number[]> {
  const x = tf.tensor2d(fixedValues(BATCH * INPUTS, 1, 1), [BATCH, INPUTS]);
  const target = tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d(fixedValues(INPUTS, 2, 1))), 1, true));
  // tidy disposes the initial values; each variable keeps its own reference to the data.
  const w1 = tf.tidy(() => tf.variable(tf.tensor2d(fixedValues(INPUTS * HIDDEN, 3, 0.4), [INPUTS, HIDDEN])));
  const b1 = tf.tidy(() => tf.variable(tf.zeros([HIDDEN])));
  const w2 = tf.tidy(() => tf.variable(tf.tensor2d(fixedValues(HIDDEN, 4, 0.4), [HIDDEN, 1])));
  const optimizer = tf.train.sgd(learningRate);
  const losses: number[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const loss = optimizer.minimize(
        () => tf.losses.meanSquaredError(target, tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2)),
        true,
      );
      if (loss === null) throw new Error('minimize returned no loss');
      losses.push((await loss.data())[0]!);
      loss.dispose();
    }
  } finally {
    optimizer.dispose();
    tf.dispose([x, target, w1, b1, w2]);
  }
  return losses;
}

/** Runs a handful of basic ops on the active backend and reads every result asynchronously. */
export async function basicOpResults(): Promise<Record<string, Float32Array | Int32Array | Uint8Array>> {
  const a = tf.tensor2d(fixedValues(5 * 7, 5, 2), [5, 7]);
  const b = tf.tensor2d(fixedValues(7 * 3, 6, 2), [7, 3]);
  const results = tf.tidy(() => ({
    matMul: tf.matMul(a, b),
    addBroadcast: tf.add(a, tf.tensor1d(fixedValues(7, 7, 1))),
    relu: tf.relu(a),
    softmax: tf.softmax(tf.matMul(a, b)),
    sumAxis0: tf.sum(a, 0),
    abs: tf.abs(a),
    greater: tf.greater(a, 0.5),
    argMax: tf.argMax(a, 1),
    transpose: tf.transpose(a),
    topkValues: tf.topk(tf.reshape(a, [-1]), 4).values,
  }));
  const read: Record<string, Float32Array | Int32Array | Uint8Array> = {};
  for (const [name, tensor] of Object.entries(results)) {
    read[name] = (await tensor.data()) as Float32Array | Int32Array | Uint8Array;
  }
  tf.dispose([a, b, ...Object.values(results)]);
  return read;
}
