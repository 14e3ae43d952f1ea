import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { constantSchedule, updateSchedule } from '../schedules.js';
import { toTensors, type HostBatch } from '../testing/index.js';
import type { SparseTrainer } from '../trainer.js';
import { gradientGrow, magnitude, uniformTest } from '../testing/reference-strategies.js';
import type { SparseStrategy } from '../types.js';

/** One of each tfjs optimizer with small, stable settings, by name: what the checkpoint and property tests cover. */
export const TEST_OPTIMIZERS = {
  sgd: () => tf.train.sgd(0.1),
  momentum: () => tf.train.momentum(0.05, 0.9),
  nesterov: () => tf.train.momentum(0.05, 0.9, true),
  adam: () => tf.train.adam(0.01),
  rmsprop: () => tf.train.rmsprop(0.005, 0.9, 0.5),
  adagrad: () => tf.train.adagrad(0.1),
} as const satisfies Record<string, () => tf.Optimizer>;

/** A RigL-like strategy at sparsity 0.8 (magnitude drop, gradient growth, drop fraction 0.3) updating every `every` steps from 0 to `end`. */
export function testRigl(every: number, end = 1000): SparseStrategy {
  return {
    name: 'rigl-test',
    sparsity: 0.8,
    distribution: uniformTest,
    init: { kind: 'random' },
    update: { schedule: updateSchedule({ begin: 0, end, every }), drop: magnitude, grow: gradientGrow, dropFraction: constantSchedule(0.3) },
  };
}

/**
 * Trains a host-selection and a device-selection trainer side by side on `batches`: `check` sees the host's masks
 * after initialisation and after every step, both trainers must hold the same masks and update at the same steps.
 * Returns how many steps updated the masks; the caller disposes the trainers.
 */
export async function trainHostAndDevice(host: SparseTrainer, device: SparseTrainer, batches: readonly HostBatch[], check: (masks: Uint8Array[], step: number) => void): Promise<number> {
  let updates = 0;
  for (let t = 0; t <= batches.length; t++) {
    const masks = host.masks();
    check(masks, t);
    expect(device.masks()).toEqual(masks);
    if (t === batches.length) break;
    const { x, y } = toTensors(batches[t]!);
    try {
      const a = await host.step(x, y);
      const b = await device.step(x, y);
      expect(b.maskUpdated).toBe(a.maskUpdated);
      if (a.maskUpdated) updates++;
    } finally {
      tf.dispose([x, y]);
    }
  }
  return updates;
}
