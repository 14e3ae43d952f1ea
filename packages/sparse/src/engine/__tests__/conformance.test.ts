// Topiary's conformance suite, run against the sparse engine (the suite's default is the masked engine): mask
// invariants after every step and update, zero-initialised growth, optimizer-slot resets, learning, determinism,
// bit-identical resume from a checkpoint, skipping of non-finite batches and no tensor leaks, on the cpu backend,
// for the strategies the engine runs.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { magnitudePruning, rigl, set, staticSparse } from '@topiary/algorithms';
import { runConformanceSuite, type ConformanceContext, type ConformanceOptions } from '@topiary/core/testing';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { SparseEngineTrainer } from '../sparse-engine-trainer.js';

const sparseEngine = (randomGrowth: 'sampled' | 'masked-order'): NonNullable<ConformanceOptions['createTrainer']> => (model, options) => {
  const { strategy, optimizer, loss, seed, weightDecay, nonFinite, onEvent } = options;
  return new SparseEngineTrainer(model, { strategy, optimizer, loss, products: typescriptProducts(), randomGrowth, ...(seed === undefined ? {} : { seed }), ...(weightDecay === undefined ? {} : { weightDecay }), ...(nonFinite === undefined ? {} : { nonFinite }), ...(onEvent === undefined ? {} : { onEvent }) });
};

const strategies = {
  rigl: { create: ({ sparsity, totalSteps, updateEvery }: ConformanceContext) => rigl({ sparsity, totalSteps, updateEvery }), masks: 'change' },
  set: { create: ({ sparsity, totalSteps, updateEvery }: ConformanceContext) => set({ sparsity, totalSteps, updateEvery }), masks: 'change' },
  static: { create: ({ sparsity, totalSteps }: ConformanceContext) => staticSparse({ sparsity, totalSteps }), masks: 'fixed' },
  'gradual magnitude pruning': {
    create: ({ sparsity, totalSteps, updateEvery }: ConformanceContext) => magnitudePruning({ sparsity, totalSteps, updateEvery }),
    masks: 'prune',
  },
} as const;

const setup = async (): Promise<void> => {
  await tf.setBackend('cpu');
};

runConformanceSuite({ name: 'the sparse engine (cpu)', setup, strategies, createTrainer: sparseEngine('sampled') });
runConformanceSuite({ name: "the sparse engine (cpu, randomGrowth 'masked-order')", setup, strategies: { set: strategies.set }, createTrainer: sparseEngine('masked-order') });
