import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { constantSchedule, fitCallback, SparseTrainer, updateSchedule, type SparseStrategy, type TrainerWarning } from '@topiary/core';
import { randomGrow, syntheticBatches, tinyMlp, toTensors, uniformTest } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { setDrop } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('SET drop with non-finite weights', () => {
  it('its rank scores stay finite on NaN weights, so the trainer refuses the update from the weights themselves', async () => {
    const model = tinyMlp();
    const optimizer = tf.train.sgd(0.1);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const strategy: SparseStrategy = {
      name: 'set',
      sparsity: 0.8,
      distribution: uniformTest,
      init: { kind: 'random' },
      update: { schedule: updateSchedule({ begin: 0, end: 100, every: 1 }), drop: setDrop(), grow: randomGrow, dropFraction: constantSchedule(0.3) },
    };
    const warnings: TrainerWarning[] = [];
    const trainer = new SparseTrainer(model, { strategy, optimizer, loss: 'categoricalCrossentropy', onWarning: (_, w) => warnings.push(w) });
    await trainer.initialize();
    const masks = trainer.masks();
    const batch = syntheticBatches({ count: 1, batchSize: 16 })[0]!;
    const x = batch.x.slice();
    x[3] = Number.NaN;
    const { x: xs, y: ys } = toTensors({ ...batch, x });
    // model.fit does not check finiteness: its first batch makes the weights NaN, the update at step 1 must not use them
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, callbacks: [fitCallback(trainer)] });
    expect(trainer.masks()).toEqual(masks);
    expect(trainer.health().skippedUpdates).toBe(1);
    expect(warnings.map((w) => w.kind)).toEqual(['non-finite-update']);
    tf.dispose([xs, ys]);
    trainer.dispose();
  });
});
