import * as tf from '@tensorflow/tfjs-core';
import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { DropCriterion } from '@topiary/core';
import { z } from 'zod';

const unitRelativeDropOptions = closedObject({
  epsilon: z.number().positive('must be > 0').optional().describe("Added to each unit's largest |w| so that an all-zero unit does not divide by zero. Default 1e-12."),
});

/** Options of {@link unitRelativeDrop}. */
export type UnitRelativeDropOptions = z.input<typeof unitRelativeDropOptions>;

/**
 * Drops the weights that are small *for their output unit*: score = |w| / max |w| over the unit's incoming
 * weights (the kernel's last axis is the output unit, for dense and convolution kernels alike). Plain magnitude
 * drop compares weights across units; this one keeps every unit's strongest connections.
 */
export function unitRelativeDrop(options: UnitRelativeDropOptions = {}): DropCriterion {
  return createComponent(unitRelativeDropDescriptor, options);
}

/** The descriptor: what JSON configs, suites and the JSON Schema know about the criterion. */
export const unitRelativeDropDescriptor = defineComponent({
  family: 'drop',
  kind: 'unit-relative',
  doc: 'Drop the weights that are small relative to the largest |w| of their output unit.',
  options: unitRelativeDropOptions,
  create: ({ epsilon = 1e-12 }): DropCriterion => ({
    kind: 'unit-relative',
    score: ({ weight }) =>
      tf.tidy(() => {
        const magnitude = tf.abs(weight);
        const inputAxes = weight.shape.slice(0, -1).map((_, axis) => axis);
        return tf.div(magnitude, tf.add(tf.max(magnitude, inputAxes, true), epsilon));
      }),
  }),
});
