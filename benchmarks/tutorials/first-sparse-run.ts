import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { rigl } from '@topiary/algorithms';
import { loadDataset } from '@topiary/bench';
import { SparseTrainer } from '@topiary/core';

await tf.setBackend('cpu');

// The 5k/1k Fashion-MNIST subset that ships inside @topiary/bench (offline); we train on its first 2048 images.
const { train, test } = await loadDataset({ dataset: 'fashion-mnist-subset' });
const pixels = 28 * 28;
const trainCount = 2048;
const batchSize = 64;
const epochs = 2;

/** One batch from the raw bytes: pixels scaled to [0, 1], labels one-hot. */
function batch(images: Uint8Array | Float32Array, labels: Uint8Array, start: number, size: number) {
  return tf.tidy(() => ({
    xs: tf.div(tf.tensor2d(images.subarray(start * pixels, (start + size) * pixels), [size, pixels], 'float32'), 255),
    ys: tf.oneHot(tf.tensor1d(labels.subarray(start, start + size), 'int32'), 10),
  }));
}

// LeNet-300-100.
const model = tfl.sequential({ layers: [
  tfl.layers.dense({ inputShape: [pixels], units: 300, activation: 'relu' }),
  tfl.layers.dense({ units: 100, activation: 'relu' }),
  tfl.layers.dense({ units: 10, activation: 'softmax' }) ] });

// RigL at 90% sparsity; the schedule needs the run's length, and we update the masks every 16 steps.
const totalSteps = epochs * (trainCount / batchSize);
const trainer = new SparseTrainer(model, {
  strategy: rigl({ sparsity: 0.9, totalSteps, updateEvery: 16 }),
  optimizer: tf.train.momentum(0.05, 0.9),
  loss: 'categoricalCrossentropy',
  seed: 0,
});

for (let epoch = 1; epoch <= epochs; epoch++) {
  let lossSum = 0;
  for (let start = 0; start < trainCount; start += batchSize) {
    const { xs, ys } = batch(train.images, train.labels, start, batchSize);
    const { loss } = await trainer.step(xs, ys);
    tf.dispose([xs, ys]);
    lossSum += loss;
  }
  console.log(`epoch ${epoch}: mean loss ${(lossSum / (trainCount / batchSize)).toFixed(4)}`);
}

// Test accuracy on the subset's 1000 test images.
const { xs, ys } = batch(test.images, test.labels, 0, test.count);
const correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(xs) as tf.Tensor, 1), tf.argMax(ys, 1)), 'int32')));
const accuracy = (await correct.data())[0]! / test.count;
tf.dispose([xs, ys, correct]);

const summary = trainer.summary();
const flops = trainer.flops();
console.log(`test accuracy ${(100 * accuracy).toFixed(1)}%`);
console.log(`sparsity ${(100 * summary.sparsity).toFixed(2)}% (${summary.activeWeights} of ${summary.totalWeights} weights active)`);
for (const layer of summary.layers) console.log(`  ${layer.layerName}: density ${(100 * layer.density).toFixed(1)}%`);
console.log(`inference FLOPs ${flops.inferenceRatio.toFixed(3)}× dense, training FLOPs ${flops.trainingRatio.toFixed(3)}× dense`);
console.log(`exploration rate ${(100 * summary.explorationRate).toFixed(1)}%`);
trainer.dispose();
