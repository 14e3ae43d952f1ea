import * as tf from '@tensorflow/tfjs-core';
import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { checkLayerSize } from './layer-values.js';

/** Grown weights start at 0, as in RigL (Evci et al. 2020, §3), so growing does not change the network's output; the default. */
export function zerosInit(): GrowInitializer {
  return createComponent(zerosInitDescriptor, {});
}

/** The descriptor of {@link zerosInit}: kind `zeros`, no options. */
export const zerosInitDescriptor = defineComponent({
  family: 'growInit',
  kind: 'zeros',
  doc: 'Grown weights start at 0 (RigL); the default.',
  options: closedObject({}),
  create: (): GrowInitializer => ({
    kind: 'zeros',
    values(ctx) {
      checkLayerSize(ctx.layer, 'zeros init');
      return tf.zeros([...ctx.layer.shape], 'float32');
    },
  }),
});
