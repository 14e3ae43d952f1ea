import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nmFirstViolation, nmGroupOrder, nmHighestMask, nmRandomMask, nmRegrow } from '../n-m-groups.js';
import { constantSchedule, polynomialSparsitySchedule, updateSchedule } from '../schedules.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { gradientGrow, magnitude, proportional, randomGrow, saliency, uniformTest } from '../testing/reference-strategies.js';
import { SparseTrainer } from '../trainer.js';
import { trainHostAndDevice } from './trainer-fixtures.js';
import type { DropCriterion, GrowCriterion, SparseStrategy } from '../types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const randomDrop: DropCriterion = { kind: 'random', score: ({ layer, rng }) => tf.tensor(rng.uniformArray(layer.size), [...layer.shape]) };

function nmStrategy(n: number, m: number, drop: DropCriterion = magnitude, grow: GrowCriterion = gradientGrow, every = 2): SparseStrategy {
  return {
    name: 'nm-test',
    sparsity: 1 - n / m,
    distribution: uniformTest,
    init: { kind: 'random' },
    granularity: { kind: 'n:m', n, m },
    update: { schedule: updateSchedule({ begin: 0, end: 1000, every }), drop, grow, dropFraction: constantSchedule(0.3) },
  };
}

const trainerOf = (strategy: SparseStrategy, selection: 'host' | 'device' = 'host', hidden = [48, 32]) =>
  new SparseTrainer(tinyMlp({ hidden }), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', selection, onWarning: () => undefined });

describe('N:M groups', () => {
  it('orders a Dense kernel [in, out] by column, m consecutive rows per group', () => {
    // kernel [4, 2]: flat = i·2 + o
    expect(Array.from(nmGroupOrder([4, 2], 2))).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
    expect(Array.from(nmGroupOrder([4, 2], 4))).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
  });

  it('groups a convolution kernel along its input channels at every spatial position', () => {
    // kernel [2, 2, 1] (k = 2, cIn = 2, cOut = 1): flat = s·2 + c
    expect(Array.from(nmGroupOrder([2, 2, 1], 2))).toEqual([0, 1, 2, 3]);
    const order = nmGroupOrder([3, 3, 4, 2], 2);
    expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: 72 }, (_, i) => i));
  });

  it('random and scored masks hold n per group; regrowth refills each group to n with its highest inactive scores', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 1000 }), (m, groups, out, seed) => {
        const n = 1 + (seed % (m - 1));
        const shape = [m * groups, out];
        let state = seed;
        const random = (): number => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
        const mask = nmRandomMask(shape, n, m, random);
        expect(nmFirstViolation(mask, shape, n, m)).toBe(-1);
        const scores = Float32Array.from({ length: mask.length }, () => random());
        const top = nmHighestMask(scores, shape, n, m);
        expect(nmFirstViolation(top, shape, n, m)).toBe(-1);
        // drop a few, regrow
        const dropped = mask.slice();
        for (let j = 0; j < dropped.length; j += 3) dropped[j] = 0;
        const grown = nmRegrow(scores, dropped, shape, n, m);
        const after = dropped.slice();
        for (const p of grown) {
          expect(dropped[p]).toBe(0);
          after[p] = 1;
        }
        expect(nmFirstViolation(after, shape, n, m)).toBe(-1);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the n highest per group, ties to the lower index', () => {
    // kernel [4, 1], 2:4, scores 1, 3, 3, 2 → rows 1 and 2
    expect(Array.from(nmHighestMask([1, 3, 3, 2], [4, 1], 2, 4))).toEqual([0, 1, 1, 0]);
    expect(Array.from(nmHighestMask([5, 5, 5, 5], [4, 1], 1, 4))).toEqual([1, 0, 0, 0]);
  });
});

describe('N:M training (fast-check)', () => {
  it('every group of every layer holds exactly n after init and after every update; host and device select the same masks', async () => {
    const batches = syntheticBatches({ count: 6, batchSize: 8 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom([1, 2], [1, 4], [2, 4], [3, 4]),
        fc.constantFrom(magnitude, randomDrop),
        fc.constantFrom(gradientGrow, randomGrow),
        fc.integer({ min: 1, max: 2 }),
        async ([n, m], drop, grow, every) => {
          const strategy = nmStrategy(n!, m!, drop, grow, every);
          const host = trainerOf(strategy, 'host');
          const device = trainerOf(strategy, 'device');
          try {
            await host.initialize();
            await device.initialize();
            const shapes = host.summary().layers.map((l) => host.model.weights.find((w) => w.name === l.name)!.shape as number[]);
            const updates = await trainHostAndDevice(host, device, batches, (masks, t) =>
              masks.forEach((mask, l) => expect(nmFirstViolation(mask, shapes[l]!, n!, m!), `layer ${l} at step ${t}`).toBe(-1)),
            );
            expect(updates).toBeGreaterThan(0);
          } finally {
            for (const t of [host, device]) {
              t.dispose();
              t.optimizer.dispose();
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('masks move under N:M drop-and-grow', async () => {
    const trainer = trainerOf(nmStrategy(2, 4, magnitude, gradientGrow, 1));
    try {
      await trainer.initialize();
      const first = trainer.masks();
      for (const batch of syntheticBatches({ count: 3, batchSize: 8 })) {
        const { x, y } = toTensors(batch);
        await trainer.step(x, y);
        tf.dispose([x, y]);
      }
      expect(trainer.masks()).not.toEqual(first);
    } finally {
      trainer.dispose();
    }
  });

  it('a layer-scope scored init keeps the n highest scores of every group', async () => {
    const strategy: SparseStrategy = { ...nmStrategy(1, 4), init: { kind: 'scored', criterion: magnitude, scope: 'layer' } };
    const trainer = trainerOf(strategy);
    try {
      const kernels = trainer.model.weights.filter((w) => w.name.endsWith('/kernel'));
      const weights = await Promise.all(kernels.map(async (w) => ({ shape: w.shape as number[], values: (await w.read().data()) as Float32Array })));
      expect(weights).toHaveLength(3);
      await trainer.initialize();
      trainer.masks().forEach((mask, l) => {
        const { shape, values } = weights[l]!;
        expect(Array.from(mask)).toEqual(Array.from(nmHighestMask(values.map(Math.abs), shape, 1, 4)));
      });
    } finally {
      trainer.dispose();
    }
  });
});

describe('N:M bad input', () => {
  const refuses = (strategy: SparseStrategy, message: RegExp, hidden = [48, 32]) => expect(() => trainerOf(strategy, 'host', hidden)).toThrow(message);

  it('refuses an m that does not divide a layer input size, naming the layer', () => {
    // layer inputs 16, 48, 30: 4 divides 16 and 48 but not 30
    refuses(nmStrategy(2, 4), /m = 4 does not divide the 30 inputs of layer dense_Dense\d+ \(kernel \[30, 4\]\)/, [48, 30]);
  });

  it('refuses n outside [1, m) and non-integers', () => {
    refuses({ ...nmStrategy(2, 4), granularity: { kind: 'n:m', n: 4, m: 4 } }, /granularity.n must be an integer in \[1, 3\].*got 4/);
    refuses({ ...nmStrategy(2, 4), granularity: { kind: 'n:m', n: 0, m: 4 } }, /granularity.n must be an integer in \[1, 3\].*got 0/);
    refuses({ ...nmStrategy(2, 4), granularity: { kind: 'n:m', n: 1.5, m: 4 } }, /granularity.n .*got 1.5/);
    refuses({ ...nmStrategy(2, 4), granularity: { kind: 'n:m', n: 1, m: 2.5 } }, /granularity.m must be an integer ≥ 2, got 2.5/);
  });

  it('refuses a sparsity other than 1 − n/m and a distribution that is not uniform', () => {
    refuses({ ...nmStrategy(2, 4), sparsity: 0.8 }, /strategy.sparsity is 0.8 but granularity 2:4 fixes it at 1 − n\/m = 0.5/);
    refuses({ ...nmStrategy(2, 4), distribution: { kind: 'skewed', densities: (layers) => layers.map((_, i) => (i === 0 ? 0.6 : 0.45)) } }, /distribution 'skewed' gives layer .* density 0.6/);
  });

  it('refuses a dense or global init, pruning, global scope, redistribution and an update without growth', () => {
    const base = nmStrategy(2, 4);
    refuses({ ...base, init: { kind: 'dense' } }, /init 'dense' cannot be combined with granularity 'n:m'/);
    refuses({ ...base, init: { kind: 'scored', criterion: saliency, scope: 'global' } }, /init.scope 'global' cannot be combined/);
    refuses({ ...base, update: { ...base.update!, targetSparsity: polynomialSparsitySchedule({ final: 0.5, begin: 0, end: 10 }) } }, /targetSparsity .* cannot be combined with granularity 'n:m'/);
    refuses({ ...base, update: { ...base.update!, scope: 'global' } }, /scope 'global' cannot be combined with granularity 'n:m'/);
    refuses({ ...base, update: { ...base.update!, redistribution: proportional } }, /redistribution 'proportional' cannot be combined/);
    const { grow: _grow, ...noGrow } = base.update!;
    refuses({ ...base, update: noGrow }, /strategy.update.grow is required with granularity 'n:m'/);
  });
});

describe('N:M checkpoints', () => {
  it('refuses a checkpoint whose masks break the groups, loading nothing and leaking no tensor', async () => {
    const { granularity: _g, ...unstructured } = nmStrategy(2, 4);
    const source = trainerOf(unstructured);
    const target = trainerOf(nmStrategy(2, 4));
    try {
      await source.initialize();
      const checkpoint = await source.saveCheckpoint();
      const tensors = tf.memory().numTensors;
      await expect(target.loadCheckpoint(checkpoint)).rejects.toThrow(/loadCheckpoint: the mask of layer dense_Dense\d+ breaks granularity 2:4 \(group \d+ does not hold exactly 2 active weights\)/);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(target.initialized).toBe(false);
    } finally {
      for (const t of [source, target]) {
        t.dispose();
        t.optimizer.dispose();
      }
    }
  });
});
