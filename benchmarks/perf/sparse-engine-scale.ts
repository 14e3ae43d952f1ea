// The sparse engine at a scale whose dense equivalent cannot be allocated here: an MLP of three hidden layers of
// 10⁶ ReLU units on Fashion-MNIST (784 → 10⁶ → 10⁶ → 10⁶ → 10), Erdős–Rényi densities with ε = 20 (Mocanu et al.
// 2018; d_l = ε(in + out)/(in · out), capped at 1: about 1.1 · 10⁸ nonzeros for 2 · 10¹² dense weights), trained
// with SET (momentum SGD) for a number of steps; prints the memory, the time per step and per update, the
// projected epoch time and the loss, and writes them to --out:
// `node --import tsx --conditions=@topiary/source benchmarks/perf/sparse-engine-scale.ts --steps 100`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { set } from '@topiary/algorithms';
import { loadDataset } from '@topiary/bench';
import { Rng } from '@topiary/core';
import { customDistribution } from '@topiary/distributions';
import { SparseEngineTrainer, sparseProducts } from '@topiary/sparse';

const { values: args } = parseArgs({
  options: {
    width: { type: 'string', default: '1000000' },
    hidden: { type: 'string', default: '3' },
    epsilon: { type: 'string', default: '20' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '100' },
    'update-every': { type: 'string', default: '50' },
    lr: { type: 'string', default: '0.01' },
    out: { type: 'string', default: 'topiary-out/sparse-engine-scale.json' },
  },
});
const width = Number(args.width);
const hidden = Number(args.hidden);
const epsilon = Number(args.epsilon);
const batch = Number(args.batch);
const steps = Number(args.steps);
const updateEvery = Number(args['update-every']);

await tf.setBackend('cpu');
const baseline = process.memoryUsage().rss;
const data = await loadDataset({ dataset: 'fashion-mnist' });
const train = data.train;
const widths = [784, ...Array.from({ length: hidden }, () => width), 10];
const densities: Record<string, number> = {};
for (let l = 0; l < widths.length - 1; l++) densities[`dense_${l + 1}`] = Math.min(1, (epsilon * (widths[l]! + widths[l + 1]!)) / (widths[l]! * widths[l + 1]!));
const denseWeights = widths.slice(1).reduce((sum, w, l) => sum + widths[l]! * w, 0);
const expectedNonzeros = widths.slice(1).reduce((sum, w, l) => sum + densities[`dense_${l + 1}`]! * widths[l]! * w, 0);
const strategy = set({ sparsity: 1 - expectedNonzeros / denseWeights, totalSteps: steps, updateEvery, distribution: customDistribution({ densities }) });
const products = await sparseProducts();
const trainer = new SparseEngineTrainer(
  { inputs: 784, layers: widths.slice(1).map((units, l) => ({ units, activation: l === hidden ? ('softmax' as const) : ('relu' as const) })) },
  { strategy, optimizer: tf.train.momentum(Number(args.lr), 0.9), loss: 'categoricalCrossentropy', seed: 0, products },
);
let started = performance.now();
await trainer.initialize();
const buildSeconds = (performance.now() - started) / 1000;
const nonzeros = trainer.summary().activeWeights;
console.log(`built ${widths.join(' → ')}: ${nonzeros} nonzeros of ${denseWeights} dense weights in ${buildSeconds.toFixed(1)} s, rss ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`);

const rng = Rng.fromSeed(1);
const batchOf = (): { x: tf.Tensor; y: tf.Tensor } => {
  const x = new Float32Array(batch * 784);
  const y = new Float32Array(batch * 10);
  for (let b = 0; b < batch; b++) {
    const i = rng.int(train.count);
    for (let j = 0; j < 784; j++) x[b * 784 + j] = train.images[i * 784 + j]! / 255;
    y[b * 10 + train.labels[i]!] = 1;
  }
  return { x: tf.tensor2d(x, [batch, 784]), y: tf.tensor2d(y, [batch, 10]) };
};

const stepSeconds: number[] = [];
const updateSeconds: number[] = [];
const losses: number[] = [];
started = performance.now();
for (let step = 0; step < steps; step++) {
  const { x, y } = batchOf();
  const t0 = performance.now();
  const result = await trainer.step(x, y);
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  (result.maskUpdated ? updateSeconds : stepSeconds).push(seconds);
  losses.push(result.loss);
  if (step % 10 === 0 || result.maskUpdated) console.log(`step ${step}: loss ${result.loss.toFixed(4)}, ${seconds.toFixed(2)} s${result.maskUpdated ? ' (mask update)' : ''}, rss ${(process.memoryUsage().rss / 2 ** 30).toFixed(2)} GiB`);
}
const totalSeconds = (performance.now() - started) / 1000;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const window = Math.min(10, Math.floor(steps / 4));
const stepsPerEpoch = Math.ceil(60_000 / batch);
const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  backend: tf.getBackend(),
  products: products.implementation,
  productThreads: products.threads,
  data: data.info,
  widths,
  epsilon,
  densities,
  nonzeros,
  denseWeights,
  batch,
  steps,
  updateEvery,
  buildSeconds,
  meanStepSeconds: mean(stepSeconds),
  meanUpdateStepSeconds: updateSeconds.length > 0 ? mean(updateSeconds) : null,
  secondsPer100Steps: (totalSeconds / steps) * 100,
  projectedEpochMinutes: (stepsPerEpoch * mean(stepSeconds) + (updateSeconds.length > 0 ? mean(updateSeconds) - mean(stepSeconds) : 0)) / 60,
  projectedEpochNote: `${stepsPerEpoch} steps of batch ${batch} at the mean step time, plus one SET update (once per epoch, as in SET)`,
  firstLosses: mean(losses.slice(0, window)),
  lastLosses: mean(losses.slice(-window)),
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  baselineRssBytes: baseline,
  peakRssPerNonzero: (process.resourceUsage().maxRSS * 1024 - baseline) / nonzeros,
  losses,
};
console.log(JSON.stringify({ ...report, losses: undefined }, null, 2));
const out = resolve(args.out!);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
