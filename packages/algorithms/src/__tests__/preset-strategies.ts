import type { ConformanceStrategy } from '@topiary/core/testing';
import { dense, magnitudePruning, rigl, set, snfs, snip, staticSparse } from '../index.js';

/** Every preset, configured to update often enough for the conformance suite's short runs. */
export const presetConformanceStrategies: Record<string, ConformanceStrategy> = {
  rigl: { masks: 'change', create: (c) => rigl({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery }) },
  set: { masks: 'change', create: (c) => set({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery }) },
  snfs: { masks: 'change', redistributes: true, create: (c) => snfs({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery }) },
  staticSparse: { masks: 'fixed', create: (c) => staticSparse({ sparsity: c.sparsity, totalSteps: c.totalSteps }) },
  snip: { masks: 'fixed', create: (c) => snip({ sparsity: c.sparsity, totalSteps: c.totalSteps }) },
  magnitudePruning: { masks: 'prune', create: (c) => magnitudePruning({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery, end: 0.6 }) },
  'magnitudePruning (global)': { masks: 'prune', create: (c) => magnitudePruning({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery, end: 0.6, scope: 'global' }) },
};

/** Dense, checked separately: sparsity 0 and nothing ever masked. */
export const denseStrategy = dense;
