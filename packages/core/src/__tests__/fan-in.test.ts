import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fanInCount, fanInSize, groupLayouts, nmGroupOrder } from '../n-m-groups.js';
import { constantSchedule, polynomialSparsitySchedule, updateSchedule } from '../schedules.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { gradientGrow, magnitude, proportional, randomGrow, saliency, uniformTest } from '../testing/reference-strategies.js';
import { SparseTrainer } from '../trainer.js';
import { trainHostAndDevice } from './trainer-fixtures.js';
import type { Distribution, DropCriterion, GrowCriterion, LayerShape, SparseStrategy } from '../types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Erdős–Rényi-Kernel (Evci et al. 2020), written here so that core tests need no distribution package: d_l ∝ Σ dims / Π dims, clamped at 1. */
const erkTest: Distribution = {
  kind: 'erk',
  densities: (layers, sparsity) => {
    const raw = layers.map((l) => l.shape.reduce((a, b) => a + b, 0) / l.size);
    const dense = new Set<number>();
    for (;;) {
      const budget = (1 - sparsity) * layers.reduce((a, l) => a + l.size, 0) - layers.reduce((a, l, i) => a + (dense.has(i) ? l.size : 0), 0);
      const scale = budget / layers.reduce((a, l, i) => a + (dense.has(i) ? 0 : raw[i]! * l.size), 0);
      const over = layers.findIndex((_, i) => !dense.has(i) && scale * raw[i]! > 1);
      if (over < 0) return layers.map((_, i) => (dense.has(i) ? 1 : scale * raw[i]!));
      dense.add(over);
    }
  },
};

const randomDrop: DropCriterion = { kind: 'random', score: ({ layer, rng }) => tf.tensor(rng.uniformArray(layer.size), [...layer.shape]) };

function fanInStrategy(sparsity: number, distribution: Distribution = uniformTest, drop: DropCriterion = magnitude, grow: GrowCriterion = gradientGrow, every = 2): SparseStrategy {
  return {
    name: 'fan-in-test',
    sparsity,
    distribution,
    init: { kind: 'random' },
    granularity: { kind: 'fan-in' },
    update: { schedule: updateSchedule({ begin: 0, end: 1000, every }), drop, grow, dropFraction: constantSchedule(0.3) },
  };
}

const trainerOf = (strategy: SparseStrategy, selection: 'host' | 'device' = 'host', hidden = [48, 32]) =>
  new SparseTrainer(tinyMlp({ hidden }), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', selection, onWarning: () => undefined });

/** A kernel's layer shape as the distributions see it (only what they read). */
const layerOf = (shape: number[], layerName = 'l'): LayerShape => ({
  name: `${layerName}/kernel`,
  layerName,
  kind: shape.length > 2 ? 'conv' : 'dense',
  shape,
  size: shape.reduce((a, b) => a * b, 1),
  fanIn: shape[shape.length - 2]!,
  fanOut: shape[shape.length - 1]!,
  kernelSize: shape.slice(0, -2),
  outputPositions: 1,
  hasBias: true,
});

/** Active inputs of every output unit of a kernel mask: column o of the kernel viewed as [size / out, out]. */
function columnCounts(mask: ArrayLike<number>, shape: readonly number[]): number[] {
  const out = shape[shape.length - 1]!;
  const counts = new Array<number>(out).fill(0);
  for (let j = 0; j < mask.length; j++) counts[j % out]! += mask[j] !== 0 ? 1 : 0;
  return counts;
}

describe('constant fan-in groups', () => {
  it('one group per output unit holding its whole input column (a convolution: every kh·kw·cIn weight of the channel)', () => {
    const dense = layerOf([4, 2]);
    const conv = layerOf([3, 3, 2, 4]);
    expect(fanInSize(dense)).toBe(4);
    expect(fanInSize(conv)).toBe(18);
    expect(fanInCount(conv, 0.25)).toBe(5); // round(4.5)
    const [d, c] = groupLayouts({ granularity: { kind: 'fan-in' }, distribution: uniformTest, sparsity: 0.5 }, [dense, conv])!;
    expect(d).toEqual({ shape: [4, 2], n: 2, m: 4 });
    expect(c).toEqual({ shape: [18, 4], n: 9, m: 18 });
    // group o of the [18, 4] view is every flat position ≡ o (mod 4): the output channel's receptive field
    const order = nmGroupOrder(c!.shape, c!.m);
    for (let o = 0; o < 4; o++) expect(Array.from(order.subarray(o * 18, o * 18 + 18))).toEqual(Array.from({ length: 18 }, (_, j) => j * 4 + o));
  });

  it('N:M layouts are the layer shapes with n and m', () => {
    const layers = [layerOf([8, 3]), layerOf([3, 3, 4, 2])];
    expect(groupLayouts({ granularity: { kind: 'n:m', n: 2, m: 4 }, distribution: uniformTest, sparsity: 0.5 }, layers)).toEqual([
      { shape: [8, 3], n: 2, m: 4 },
      { shape: [3, 3, 4, 2], n: 2, m: 4 },
    ]);
    expect(groupLayouts({ distribution: uniformTest, sparsity: 0.5 }, layers)).toBeUndefined();
  });
});

describe('constant fan-in training (fast-check)', () => {
  it('every output unit of every layer keeps exactly k_l = round(d_l · in_l) inputs after init and every update, under ERK and uniform; host and device select the same masks', async () => {
    const batches = syntheticBatches({ count: 6, batchSize: 8 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(uniformTest, erkTest),
        fc.constantFrom(0.5, 0.7, 0.9),
        fc.constantFrom(magnitude, randomDrop),
        fc.constantFrom(gradientGrow, randomGrow),
        fc.integer({ min: 1, max: 2 }),
        async (distribution, sparsity, drop, grow, every) => {
          const strategy = fanInStrategy(sparsity, distribution, drop, grow, every);
          const host = trainerOf(strategy, 'host');
          const device = trainerOf(strategy, 'device');
          try {
            await host.initialize();
            await device.initialize();
            const shapes = host.summary().layers.map((l) => host.model.weights.find((w) => w.name === l.name)!.shape as number[]);
            const layers = shapes.map((s, i) => layerOf(s, `l${i}`));
            const k = distribution.densities(layers, sparsity).map((d, i) => Math.round(d * (layers[i]!.size / layers[i]!.fanOut)));
            // ERK: constant fan-in within a layer, different fractions across layers
            if (distribution === erkTest) expect(new Set(k.map((v, i) => v / (layers[i]!.size / layers[i]!.fanOut))).size).toBeGreaterThan(1);
            const updates = await trainHostAndDevice(host, device, batches, (masks, t) =>
              masks.forEach((mask, l) => expect(columnCounts(mask, shapes[l]!), `layer ${l} at step ${t}`).toEqual(new Array(shapes[l]!.at(-1)).fill(k[l]))),
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

  it('masks move under constant fan-in drop-and-grow, and a layer-scope scored init keeps the k_l highest inputs of every output unit', async () => {
    const moving = trainerOf(fanInStrategy(0.75, uniformTest, magnitude, gradientGrow, 1));
    const scored = trainerOf({ ...fanInStrategy(0.75), init: { kind: 'scored', criterion: magnitude, scope: 'layer' } });
    try {
      await moving.initialize();
      const first = moving.masks();
      for (const batch of syntheticBatches({ count: 3, batchSize: 8 })) {
        const { x, y } = toTensors(batch);
        await moving.step(x, y);
        tf.dispose([x, y]);
      }
      expect(moving.masks()).not.toEqual(first);

      const kernels = scored.model.weights.filter((w) => w.name.endsWith('/kernel'));
      const weights = await Promise.all(kernels.map(async (w) => ({ shape: w.shape as number[], values: (await w.read().data()) as Float32Array })));
      await scored.initialize();
      scored.masks().forEach((mask, l) => {
        const { shape, values } = weights[l]!;
        const out = shape[1]!;
        const inputs = shape[0]!;
        const k = Math.round(0.25 * inputs);
        for (let o = 0; o < out; o++) {
          const column = Array.from({ length: inputs }, (_, i) => i * out + o);
          const top = [...column].sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b).slice(0, k);
          expect(column.filter((p) => mask[p] === 1)).toEqual(top.sort((a, b) => a - b));
        }
      });
    } finally {
      for (const t of [moving, scored]) {
        t.dispose();
        t.optimizer.dispose();
      }
    }
  });
});

describe('constant fan-in on a convolution', () => {
  it('every output channel keeps k_l of its kh·kw·cIn inputs through drop-and-grow under ERK; host and device agree', async () => {
    const model = (): tfl.LayersModel =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }),
        ],
      });
    const strategy = fanInStrategy(0.7, erkTest, magnitude, gradientGrow, 1);
    const [host, device] = (['host', 'device'] as const).map((selection) => new SparseTrainer(model(), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', selection, onWarning: () => undefined }));
    try {
      const layers = [layerOf([3, 3, 2, 4], 'conv'), layerOf([64, 3], 'dense')];
      const k = erkTest.densities(layers, 0.7).map((d, i) => Math.round(d * fanInSize(layers[i]!)));
      let updates = 0;
      for (let t = 0; t < 4; t++) {
        const x = tf.randomUniform([4, 6, 6, 2], -1, 1, 'float32', t + 1);
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, t % 3], 'int32'), 3);
        const a = await host!.step(x, y);
        const b = await device!.step(x, y);
        tf.dispose([x, y]);
        expect(b.maskUpdated).toBe(a.maskUpdated);
        if (a.maskUpdated) updates++;
        host!.masks().forEach((mask, l) => expect(columnCounts(mask, layers[l]!.shape), `layer ${l} at step ${t}`).toEqual(new Array(layers[l]!.fanOut).fill(k[l])));
        expect(device!.masks()).toEqual(host!.masks());
      }
      expect(updates).toBeGreaterThan(0);
    } finally {
      for (const t of [host!, device!]) {
        t.dispose();
        t.optimizer.dispose();
      }
    }
  });
});

describe('constant fan-in bad input', () => {
  const refuses = (strategy: SparseStrategy, message: RegExp, hidden = [48, 32]) => expect(() => trainerOf(strategy, 'host', hidden)).toThrow(message);

  it('refuses a layer whose k_l rounds to 0, naming the layer and the density that would work', () => {
    // first layer [16, 48]: density 0.01 gives round(0.16) = 0
    refuses(fanInStrategy(0.99), /granularity 'fan-in': layer dense_Dense\d+ \(kernel \[16, 48\], 16 inputs per output unit\) gets density 0.01\d* from distribution 'uniform', so k = round\(.*\) = 0 active inputs per output unit; it needs density ≥ 0.03125/);
  });

  it('refuses a dense or global init, pruning, global scope, redistribution and an update without growth', () => {
    const base = fanInStrategy(0.5);
    refuses({ ...base, init: { kind: 'dense' } }, /init 'dense' cannot be combined with granularity 'fan-in'/);
    refuses({ ...base, init: { kind: 'scored', criterion: saliency, scope: 'global' } }, /init.scope 'global' cannot be combined with granularity 'fan-in'/);
    refuses({ ...base, update: { ...base.update!, targetSparsity: polynomialSparsitySchedule({ final: 0.5, begin: 0, end: 10 }) } }, /targetSparsity .* cannot be combined with granularity 'fan-in'/);
    refuses({ ...base, update: { ...base.update!, scope: 'global' } }, /scope 'global' cannot be combined with granularity 'fan-in'/);
    refuses({ ...base, update: { ...base.update!, redistribution: proportional } }, /redistribution 'proportional' cannot be combined with granularity 'fan-in'/);
    const { grow: _grow, ...noGrow } = base.update!;
    refuses({ ...base, update: noGrow }, /strategy.update.grow is required with granularity 'fan-in'/);
  });
});

describe('constant fan-in checkpoints', () => {
  it('refuses a checkpoint whose masks break constant fan-in, loading nothing and leaking no tensor', async () => {
    const { granularity: _g, ...unstructured } = fanInStrategy(0.5);
    const source = trainerOf(unstructured);
    const target = trainerOf(fanInStrategy(0.5));
    const roundTrip = trainerOf(fanInStrategy(0.5));
    try {
      await source.initialize();
      const checkpoint = await source.saveCheckpoint();
      const tensors = tf.memory().numTensors;
      await expect(target.loadCheckpoint(checkpoint)).rejects.toThrow(/loadCheckpoint: the mask of layer dense_Dense\d+ breaks constant fan-in \(output unit \d+ does not hold exactly \d+ active inputs\)/);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(target.initialized).toBe(false);
      await target.initialize();
      await roundTrip.loadCheckpoint(await target.saveCheckpoint());
      expect(roundTrip.masks()).toEqual(target.masks());
    } finally {
      for (const t of [source, target, roundTrip]) {
        t.dispose();
        t.optimizer.dispose();
      }
    }
  });
});
