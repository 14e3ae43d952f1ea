// One row of the sparse engine's memory table, in a fresh process: builds a 20000 → 20000 → 10 MLP holding about N
// nonzeros (uniform density), takes two steps at batch 10 of SET's update with drop by |w| (the magnitude criterion,
// whose scores are one pass over the nonzeros) and random growth, a mask update at the second, and prints the peak
// resident set size: `node --import tsx --conditions=@topiary/source benchmarks/perf/sparse-engine-memory.ts N`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { custom } from '@topiary/algorithms';
import { magnitudeDrop } from '@topiary/drop';
import { randomGrow } from '@topiary/grow';
import { uniform } from '@topiary/distributions';
import { SparseEngineTrainer, sparseProducts } from '@topiary/sparse';

const nonzeros = Number(process.argv[2]);
const WIDTH = 20_000;
const BATCH = 10;
await tf.setBackend('cpu');
const baseline = process.memoryUsage().rss;
const started = performance.now();
const size = WIDTH * WIDTH + WIDTH * 10;
const sparsity = 1 - nonzeros / size;
const products = await sparseProducts();
const trainer = new SparseEngineTrainer(
  { inputs: WIDTH, layers: [{ units: WIDTH, activation: 'relu' }, { units: 10, activation: 'softmax' }] },
  { strategy: custom({ sparsity, totalSteps: 4, distribution: uniform(), update: { updateEvery: 1, drop: magnitudeDrop(), grow: randomGrow(), dropFraction: { kind: 'constant', value: 0.3 } } }), optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy', products },
);
await trainer.initialize();
const built = performance.now();
const x = tf.randomUniform([BATCH, WIDTH], 0, 1, 'float32', 1);
const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32'), 10), 'float32'));
const first = await trainer.step(x, y);
const second = await trainer.step(x, y);
const summary = trainer.summary();
console.log(JSON.stringify({
  nonzeros: summary.activeWeights,
  denseWeights: size,
  products: products.implementation,
  productThreads: products.threads,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  baselineRssBytes: baseline,
  peakRssPerNonzero: (process.resourceUsage().maxRSS * 1024 - baseline) / summary.activeWeights,
  buildSeconds: (built - started) / 1000,
  stepSeconds: (performance.now() - built) / 2000,
  maskUpdated: second.maskUpdated,
  loss: [first.loss, second.loss],
}));
