import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fitCallback } from '../fit-callback.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { SparseTrainer } from '../trainer.js';
import { maskDiffCounts, readLearningRate, type TrainerEvent, type TrainerMaskUpdateEvent, type TrainerStepEvent } from '../trainer-events.js';
import type { SparseStrategy } from '../types.js';
import { testRigl } from './trainer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rigl = (every = 3): SparseStrategy => testRigl(every);

describe('trainer events', () => {
  it('reports every step and every mask update, with counts that agree with the masks before and after', async () => {
    const events: TrainerEvent[] = [];
    const trainer = new SparseTrainer(tinyMlp(), { strategy: rigl(), optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', onEvent: (e) => events.push(e) });
    let previous: Uint8Array[] | undefined;
    const checked: TrainerMaskUpdateEvent[] = [];
    for (const batch of syntheticBatches({ count: 7 })) {
      const { x, y } = toTensors(batch);
      if (trainer.initialized) previous = trainer.masks();
      const before = events.length;
      const result = await trainer.step(x, y);
      tf.dispose([x, y]);
      const fresh = events.slice(before);
      const step = fresh[fresh.length - 1] as TrainerStepEvent;
      expect(step).toMatchObject({ type: 'step', step: result.step, loss: result.loss, maskUpdated: result.maskUpdated, skipped: false, learningRate: 0.05 });
      expect(step.timeMs).toBeGreaterThanOrEqual(0);
      const updates = fresh.filter((e): e is TrainerMaskUpdateEvent => e.type === 'mask-update');
      // updates at steps 3 and 6 (after `begin`): the update event comes before its step's event
      expect(updates.length).toBe(result.step > 0 && result.step % 3 === 0 ? 1 : 0);
      if (updates.length === 1 && previous) {
        const update = updates[0]!;
        const after = trainer.masks();
        const summary = trainer.summary();
        expect(update.step).toBe(result.step);
        expect(update.applied).toBe(true);
        update.layers.forEach((layer, i) => {
          expect(layer).toMatchObject(maskDiffCounts(previous![i]!, after[i]!));
          expect(layer.active).toBe(summary.layers[i]!.active);
          expect(layer.density).toBe(summary.layers[i]!.density);
          expect(layer.name).toBe(summary.layers[i]!.name);
        });
        expect(update.dropped).toBe(update.layers.reduce((s, l) => s + l.dropped, 0));
        expect(update.grown).toBe(update.layers.reduce((s, l) => s + l.grown, 0));
        expect(update.dropped).toBeGreaterThan(0);
        expect(update.sparsity).toBe(summary.sparsity);
        expect(update.explorationRate).toBe(summary.explorationRate);
        checked.push(update);
      }
    }
    expect(checked.length).toBe(2);
    expect(events.filter((e) => e.type === 'step')).toHaveLength(7);
    // plain data: survives a JSON round trip unchanged
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
    trainer.dispose();
  });

  it('reads the learning rate the trainer sets, and leaves tensor counts where they were', async () => {
    const events: TrainerEvent[] = [];
    const trainer = new SparseTrainer(tinyMlp(), { strategy: rigl(2), optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy', onEvent: (e) => events.push(e) });
    const batches = syntheticBatches({ count: 6 }).map((b) => toTensors(b));
    await trainer.step(batches[0]!.x, batches[0]!.y);
    await trainer.step(batches[1]!.x, batches[1]!.y);
    trainer.setLearningRate(0.002);
    const before = tf.memory().numTensors;
    for (const { x, y } of batches.slice(2)) await trainer.step(x, y);
    expect(tf.memory().numTensors).toBe(before);
    const steps = events.filter((e): e is TrainerStepEvent => e.type === 'step');
    expect(steps.map((e) => e.learningRate)).toEqual([0.01, 0.01, 0.002, 0.002, 0.002, 0.002]);
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    trainer.dispose();
  });

  it('costs nothing without a listener: no clock read, no mask comparison', async () => {
    const trainer = new SparseTrainer(tinyMlp(), { strategy: rigl(1), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const { x, y } = toTensors(syntheticBatches({ count: 1 })[0]!);
    await trainer.step(x, y);
    const now = vi.spyOn(performance, 'now');
    try {
      await trainer.step(x, y);
      await trainer.step(x, y);
      expect(now).not.toHaveBeenCalled();
    } finally {
      now.mockRestore();
    }
    tf.dispose([x, y]);
    trainer.dispose();
  });

  it('reports a skipped step and mask updates made through fitCallback', async () => {
    const events: TrainerEvent[] = [];
    const trainer = new SparseTrainer(tinyMlp(), { strategy: rigl(2), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', onWarning: () => {}, onEvent: (e) => events.push(e) });
    const { x, y } = toTensors(syntheticBatches({ count: 1 })[0]!);
    await trainer.step(x, y);
    const bad = tf.fill(x.shape, NaN);
    await trainer.step(bad, y);
    expect(events[events.length - 1]).toMatchObject({ type: 'step', step: 1, skipped: true, maskUpdated: false });
    expect(Number.isNaN((events[events.length - 1] as TrainerStepEvent).loss)).toBe(true);
    const model = trainer.model;
    model.compile({ optimizer: trainer.optimizer, loss: 'categoricalCrossentropy' });
    const fitted: TrainerEvent[] = [];
    events.length = 0;
    await model.fit(x, y, { epochs: 4, batchSize: x.shape[0], verbose: 0, callbacks: [fitCallback(trainer, { probeBatch: () => ({ x, y }) })] });
    fitted.push(...events);
    // fit steps 1..4 (the first is index 1): updates at 2 and 4; fit takes no loss through the trainer, so no step events
    expect(fitted.map((e) => [e.type, e.step])).toEqual([['mask-update', 2], ['mask-update', 4]]);
    tf.dispose([x, y, bad]);
    trainer.dispose();
  });

  it('refuses a listener that is not a function, and reads learning rates', () => {
    expect(() => new SparseTrainer(tinyMlp(), { strategy: rigl(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', onEvent: 'log' as never })).toThrow(/onEvent must be a function, got "string"/);
    expect(readLearningRate(tf.train.sgd(0.3))).toBe(0.3);
    expect(readLearningRate(tf.train.adadelta())).toBe(0.001);
    expect(maskDiffCounts(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([1, 0, 1, 1]))).toEqual({ dropped: 1, grown: 2 });
  });
});
