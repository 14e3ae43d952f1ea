import * as tf from '@tensorflow/tfjs-core';
import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { z } from 'zod';
import { checkLayerSize } from './layer-values.js';

/** Grown weights all start at `value` (a finite number). */
export function constantInit(value: number): GrowInitializer {
  return createComponent(constantInitDescriptor, { value });
}

/** The descriptor of {@link constantInit}: kind `constant`, option `value`. */
export const constantInitDescriptor = defineComponent({
  family: 'growInit',
  kind: 'constant',
  doc: 'Grown weights all start at one value.',
  options: closedObject({ value: z.number().describe('The value every grown weight starts at.') }),
  example: { value: 0.01 },
  create: ({ value }): GrowInitializer => ({
    kind: 'constant',
    values(ctx) {
      checkLayerSize(ctx.layer, 'constant init');
      return tf.fill([...ctx.layer.shape], value, 'float32');
    },
  }),
});
