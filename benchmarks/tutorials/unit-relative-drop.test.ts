import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { rigl } from '@topiary/algorithms';
import { runConformanceSuite } from '@topiary/core/testing';
import { unitRelativeDrop } from './unit-relative-drop.js';

// The checks every Topiary criterion passes: budgets kept, inactive weights zero, grown weights start at zero
// with fresh optimizer slots, determinism for a seed, bit-identical resume from a checkpoint.
runConformanceSuite({
  name: 'cpu (unit-relative drop)',
  setup: async () => {
    await tf.setBackend('cpu');
  },
  strategies: {
    'rigl with unit-relative drop': {
      create: ({ sparsity, totalSteps, updateEvery }) => {
        const preset = rigl({ sparsity, totalSteps, updateEvery });
        return { ...preset, update: { ...preset.update!, drop: unitRelativeDrop() } };
      },
      masks: 'change',
    },
  },
});
