import * as tf from '@tensorflow/tfjs-core';
import type { GrowInitializer } from '@topiary/core';
import { checkLayerSize } from './layer-values.js';

/** Grown weights start at 0, as in RigL (Evci et al. 2020, §3), so growing does not change the network's output; the default. */
export function zerosInit(): GrowInitializer {
  return {
    kind: 'zeros',
    values(ctx) {
      checkLayerSize(ctx.layer, 'zeros init');
      return tf.zeros([...ctx.layer.shape], 'float32');
    },
  };
}
