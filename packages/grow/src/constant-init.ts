import * as tf from '@tensorflow/tfjs-core';
import { check } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { checkLayerSize } from './layer-values.js';

/** Grown weights all start at `value` (a finite number). */
export function constantInit(value: number): GrowInitializer {
  check(typeof value === 'number' && Number.isFinite(value), 'constant.value', value, 'a finite number');
  return {
    kind: 'constant',
    values(ctx) {
      checkLayerSize(ctx.layer, 'constant init');
      return tf.fill([...ctx.layer.shape], value, 'float32');
    },
  };
}
