// The README's RigL example, run as written (with a few synthetic batches for "your data").
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { rigl } from '@topiary/algorithms';
import { SparseTrainer } from '@topiary/core';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is the code this test runs', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain("const trainer = new SparseTrainer(model, { strategy: rigl({ sparsity: 0.9, totalSteps }),");
    expect(readme).toContain("optimizer: tf.train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy', seed: 0 });");
    expect(readme).toContain('for (const { xs, ys } of batches) await trainer.step(xs, ys);');
  });

  it('trains LeNet-300-100 with RigL at 90% sparsity', async () => {
    await tf.setBackend('cpu');
    const model = tfl.sequential({ layers: [
      tfl.layers.dense({ inputShape: [784], units: 300, activation: 'relu' }),
      tfl.layers.dense({ units: 100, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }) ] });
    const totalSteps = 5 * 600;
    const trainer = new SparseTrainer(model, { strategy: rigl({ sparsity: 0.9, totalSteps }),
      optimizer: tf.train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy', seed: 0 });
    const batches = Array.from({ length: 3 }, (_, i) => ({
      xs: tf.randomUniform([32, 784], 0, 1, 'float32', i),
      ys: tf.oneHot(tf.randomUniform([32], 0, 10, 'int32', 100 + i), 10),
    }));
    for (const { xs, ys } of batches) await trainer.step(xs, ys);
    expect(trainer.summary().sparsity).toBeCloseTo(0.9, 2);
    expect(trainer.flops().trainingRatio).toBeLessThan(0.2);
    batches.forEach(({ xs, ys }) => tf.dispose([xs, ys]));
    trainer.dispose();
  });
});
