import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { builtinRegistry, resolveStrategy, type StrategyConfig } from '@topiary/algorithms';
import { loadDataset } from '@topiary/bench';
import { SparseTrainer } from '@topiary/core';
import { unitRelativeDropDescriptor } from './unit-relative-drop.js';

await tf.setBackend('cpu');

// The built-in components plus ours; the registry refuses a kind that is already taken.
const registry = builtinRegistry.with([unitRelativeDropDescriptor], 'unit-relative-drop.ts');

const { train } = await loadDataset({ dataset: 'fashion-mnist-subset' });
const pixels = 28 * 28;
const batchSize = 64;
const totalSteps = 32;

// Two JSON configs, as a suite would hold them: RigL as published, and RigL with our drop criterion.
const configs: Record<string, StrategyConfig> = {
  'RigL': { method: 'rigl', sparsity: 0.9, updateEvery: 8 },
  'RigL, unit-relative drop': { method: 'rigl', sparsity: 0.9, updateEvery: 8, drop: { kind: 'unit-relative', epsilon: 1e-9 } },
};

for (const [label, config] of Object.entries(configs)) {
  // The registry is what makes "unit-relative" a known kind; without it resolveStrategy refuses the config.
  const strategy = resolveStrategy(config, { totalSteps, registry });
  const model = tfl.sequential({ layers: [
    tfl.layers.dense({ inputShape: [pixels], units: 300, activation: 'relu' }),
    tfl.layers.dense({ units: 100, activation: 'relu' }),
    tfl.layers.dense({ units: 10, activation: 'softmax' }) ] });
  const trainer = new SparseTrainer(model, { strategy, optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', seed: 0 });
  let loss = 0;
  for (let step = 0; step < totalSteps; step++) {
    const start = step * batchSize;
    const { xs, ys } = tf.tidy(() => ({
      xs: tf.div(tf.tensor2d(train.images.subarray(start * pixels, (start + batchSize) * pixels), [batchSize, pixels], 'float32'), 255),
      ys: tf.oneHot(tf.tensor1d(train.labels.subarray(start, start + batchSize), 'int32'), 10),
    }));
    ({ loss } = await trainer.step(xs, ys));
    tf.dispose([xs, ys]);
  }
  const { sparsity, explorationRate } = trainer.summary();
  console.log(`${label}: drop ${strategy.update?.drop.kind}, last loss ${loss.toFixed(4)}, sparsity ${(100 * sparsity).toFixed(2)}%, exploration ${(100 * explorationRate).toFixed(1)}%`);
  trainer.dispose();
}

// An unknown kind is refused before anything trains, with the path and the kinds that are allowed.
try {
  resolveStrategy({ method: 'rigl', sparsity: 0.9, drop: { kind: 'unit-relative' } }, { totalSteps });
} catch (error) {
  console.log(`without the registry: ${(error as Error).message}`);
}
