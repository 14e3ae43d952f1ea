import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runConformanceSuite } from '../testing/index.js';
import { blockReferenceStrategies, fanInReferenceStrategies, nmReferenceStrategies, referenceStrategies } from '../testing/reference-strategies.js';

const setup = async (): Promise<void> => {
  await tf.setBackend('cpu');
  await tf.ready();
};

runConformanceSuite({ name: 'cpu', setup, strategies: referenceStrategies });

// N:M fixes the sparsity at 1 − n/m: 1:4
runConformanceSuite({ name: 'cpu (N:M)', setup, strategies: nmReferenceStrategies, sparsity: 0.75 });

// constant fan-in: every output unit keeps k_l = round(0.2 · in_l) inputs
runConformanceSuite({ name: 'cpu (constant fan-in)', setup, strategies: fanInReferenceStrategies });

// 4 × 4 blocks: round(0.2 · blocks_l) active blocks per layer
runConformanceSuite({ name: 'cpu (4 × 4 blocks)', setup, strategies: blockReferenceStrategies });
