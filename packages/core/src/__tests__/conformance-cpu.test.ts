import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runConformanceSuite } from '../testing/index.js';
import { referenceStrategies } from '../testing/reference-strategies.js';

runConformanceSuite({
  name: 'cpu',
  setup: async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  },
  strategies: referenceStrategies,
});
