// Prints how far the sparse engine's runs are from the masked engine's (the equality test's measurements):
// `node --import tsx --conditions=@topiary/source packages/sparse/scripts/engine-equality.ts [steps] [batch]`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { magnitudePruning, rigl, set, staticSparse } from '@topiary/algorithms';
import type { SparseStrategy } from '@topiary/core';
import { compareEngines, equalityBatches } from '../src/engine/__tests__/equality-fixtures.js';
import type { RandomGrowth } from '../src/engine/sparse-update.js';

await tf.setBackend('cpu');
const steps = Number(process.argv[2] ?? 500);
const batch = Number(process.argv[3] ?? 4);
const every = Math.max(1, Math.round(steps / 10));
const batches = equalityBatches(steps, batch);
const cases: [string, SparseStrategy, RandomGrowth][] = [
  ['rigl', rigl({ sparsity: 0.9, totalSteps: steps, updateEvery: every }), 'sampled'],
  ['set', set({ sparsity: 0.9, totalSteps: steps, updateEvery: every }), 'masked-order'],
  ['static', staticSparse({ sparsity: 0.9, totalSteps: steps }), 'sampled'],
  ['pruning', magnitudePruning({ sparsity: 0.9, totalSteps: steps, updateEvery: every }), 'sampled'],
];
for (const [name, strategy, randomGrowth] of cases) {
  const started = performance.now();
  const result = await compareEngines(strategy, batches, { randomGrowth });
  console.log(JSON.stringify({ strategy: name, steps, batch, ...result, seconds: (performance.now() - started) / 1000 }));
}
