import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasm } from '../index.js';

beforeAll(async () => {
  await wasm().setup();
});

// Every layer's initializer is seeded, so each test trains the same network every run.

/** Trains on one fixed batch and returns the loss of every step. */
async function trainLosses(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor, steps: number): Promise<number[]> {
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = await model.trainOnBatch(x, y);
    losses.push(Array.isArray(loss) ? loss[0]! : loss);
  }
  return losses;
}

/** Noisy 28×28 images of four stroke patterns: horizontal, vertical, diagonal, centre square. */
function strokeImages(rng: Rng, count: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const size = 28;
  const pixels = new Float32Array(count * size * size);
  const labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % 4;
    labels.push(label);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const on = [r % 7 < 2, c % 7 < 2, Math.abs(r - c) < 3, r > 9 && r < 19 && c > 9 && c < 19][label]!;
        pixels[(n * size + r) * size + c] = (on ? 1 : 0) + 0.3 * rng.normal();
      }
    }
  }
  return { x: tf.tensor4d(pixels, [count, size, size, 1]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 4) as tf.Tensor2D };
}

describe('training on wasm', () => {
  it('trains a LeNet-5-like convolutional network: the loss falls', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const { x, y } = strokeImages(Rng.fromSeed(1), 32);
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }), inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({ kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }), filters: 16, kernelSize: 5, activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }), units: 120, activation: 'relu' }),
        tfl.layers.dense({ kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }), units: 84, activation: 'relu' }),
        tfl.layers.dense({ kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }), units: 4, activation: 'softmax' }),
      ],
    });
    const losses = await trainLosses(model, x, y, 12);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('trains a depthwise convolution after a convolution (both depthwise gradients): the loss falls', async () => {
    const { x, y } = strokeImages(Rng.fromSeed(2), 16);
    const model = tfl.sequential({
      layers: [
        tfl.layers.averagePooling2d({ inputShape: [28, 28, 1], poolSize: 2 }),
        tfl.layers.conv2d({ kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }), filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tfl.layers.depthwiseConv2d({ depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 7 }), kernelSize: 3, depthMultiplier: 2, strides: 2, activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ kernelInitializer: tfl.initializers.glorotUniform({ seed: 8 }), units: 4, activation: 'softmax' }),
      ],
    });
    const losses = await trainLosses(model, x, y, 15);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('trains an embedding (tf.gather) model: the loss falls', async () => {
    const rng = Rng.fromSeed(3);
    const count = 48;
    const tokens = Int32Array.from({ length: count * 5 }, () => rng.int(20));
    const labels = Int32Array.from({ length: count }, (_, n) => tokens[n * 5]! % 3);
    const x = tf.tensor2d(tokens, [count, 5], 'int32');
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: 9 }), inputDim: 20, outputDim: 8, inputLength: 5 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ kernelInitializer: tfl.initializers.glorotUniform({ seed: 10 }), units: 3, activation: 'softmax' }),
      ],
    });
    const losses = await trainLosses(model, x, y, 30);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    tf.dispose([x, y]);
    model.dispose();
  });
});
