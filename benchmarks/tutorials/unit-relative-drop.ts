import * as tf from '@tensorflow/tfjs-core';
import type { ComponentRegistry } from '@topiary/algorithms';
import type { DropCriterion } from '@topiary/core';

/** Options of {@link unitRelativeDrop}. */
export interface UnitRelativeDropOptions {
  /** Added to each unit's largest |w| so that an all-zero unit does not divide by zero. @default 1e-12 */
  readonly epsilon?: number;
}

/**
 * Drops the weights that are small *for their output unit*: score = |w| / max |w| over the unit's incoming
 * weights (the kernel's last axis is the output unit, for dense and convolution kernels alike). Plain magnitude
 * drop compares weights across units; this one keeps every unit's strongest connections.
 */
export function unitRelativeDrop(options: UnitRelativeDropOptions = {}): DropCriterion {
  const epsilon = options.epsilon ?? 1e-12;
  return {
    kind: 'unit-relative',
    score: ({ weight }) =>
      tf.tidy(() => {
        const magnitude = tf.abs(weight);
        const inputAxes = weight.shape.slice(0, -1).map((_, axis) => axis);
        return tf.div(magnitude, tf.add(tf.max(magnitude, inputAxes, true), epsilon));
      }),
  };
}

/** The registry that lets JSON configs name the criterion: `"drop": { "kind": "unit-relative", "epsilon": 1e-9 }`. */
export const registry: ComponentRegistry = {
  drop: {
    'unit-relative': ({ epsilon, ...rest }) => {
      const unknown = Object.keys(rest);
      if (unknown.length > 0) throw new Error(`unknown option ${JSON.stringify(unknown[0])}; unit-relative takes only "epsilon"`);
      if (epsilon !== undefined && (typeof epsilon !== 'number' || !(epsilon > 0))) throw new Error(`epsilon: must be a positive number (got ${JSON.stringify(epsilon)})`);
      return unitRelativeDrop({ epsilon });
    },
  },
};
