import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runConformanceSuite } from '@topiary/core/testing';
import { presetConformanceStrategies } from './preset-strategies.js';

runConformanceSuite({
  name: 'cpu (presets)',
  setup: async () => {
    await tf.setBackend('cpu');
  },
  strategies: presetConformanceStrategies,
});
