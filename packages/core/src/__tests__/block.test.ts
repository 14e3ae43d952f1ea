import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockBudgets, blockHighestMask, blockIndex, blockLayout, blockScores, blockViolation } from '../block-groups.js';
import { constantSchedule, polynomialSparsitySchedule, updateSchedule } from '../schedules.js';
import { syntheticBatches, tinyMlp } from '../testing/index.js';
import { gradientGrow, magnitude, proportional, randomGrow, saliency, uniformTest } from '../testing/reference-strategies.js';
import { SparseTrainer } from '../trainer.js';
import { trainHostAndDevice } from './trainer-fixtures.js';
import type { Distribution, DropCriterion, GrowCriterion, LayerShape, SparseStrategy } from '../types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Density ∝ (in + out) / (in · out), clamped at 1: Erdős–Rényi (Mocanu et al. 2018), so that layers get different densities. */
const erTest: Distribution = {
  kind: 'er',
  densities: (layers, sparsity) => {
    const raw = layers.map((l) => (l.fanIn + l.fanOut) / (l.fanIn * l.fanOut));
    const scale = ((1 - sparsity) * layers.reduce((a, l) => a + l.size, 0)) / layers.reduce((a, l, i) => a + raw[i]! * l.size, 0);
    return raw.map((r) => Math.min(1, scale * r));
  },
};

const randomDrop: DropCriterion = { kind: 'random', score: ({ layer, rng }) => tf.tensor(rng.uniformArray(layer.size), [...layer.shape]) };

function blockStrategy(size: number, sparsity: number, distribution: Distribution = uniformTest, drop: DropCriterion = magnitude, grow: GrowCriterion = gradientGrow, every = 2): SparseStrategy {
  return {
    name: 'block-test',
    sparsity,
    distribution,
    init: { kind: 'random' },
    granularity: { kind: 'block', size },
    update: { schedule: updateSchedule({ begin: 0, end: 1000, every }), drop, grow, dropFraction: constantSchedule(0.3) },
  };
}

const trainerOf = (strategy: SparseStrategy, selection: 'host' | 'device' = 'host', hidden = [48, 32]) =>
  new SparseTrainer(tinyMlp({ hidden }), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', selection, onWarning: () => undefined });

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

/** Every b × b tile of a kernel mask, read directly from its [..., cIn, cOut] coordinates: the number of active weights of each. */
function tileCounts(mask: ArrayLike<number>, shape: readonly number[], b: number): number[] {
  const cIn = shape[shape.length - 2]!;
  const cOut = shape[shape.length - 1]!;
  const outer = mask.length / (cIn * cOut);
  const counts: number[] = [];
  for (let s = 0; s < outer; s++) {
    for (let bi = 0; bi < cIn / b; bi++) {
      for (let bo = 0; bo < cOut / b; bo++) {
        let active = 0;
        for (let r = 0; r < b; r++) for (let c = 0; c < b; c++) active += mask[s * cIn * cOut + (bi * b + r) * cOut + bo * b + c]!;
        counts.push(active);
      }
    }
  }
  return counts;
}

/** Expects every tile of `mask` all active or all inactive and `budget` active tiles. */
function expectBlocks(mask: ArrayLike<number>, shape: readonly number[], b: number, budget: number, where: string): void {
  const tiles = tileCounts(mask, shape, b);
  expect(tiles.filter((t) => t !== 0 && t !== b * b), `${where}: partly active tiles`).toEqual([]);
  expect(tiles.filter((t) => t === b * b).length, `${where}: active tiles`).toBe(budget);
}

describe('block layouts', () => {
  it('tiles a Dense kernel into b × b blocks and a convolution into b × b blocks of [cIn, cOut] at every spatial position', () => {
    // [4, 6] in 2 × 2 blocks: block (row / 2) · 3 + col / 2
    expect(Array.from(blockIndex(blockLayout([4, 6], 2)))).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 3, 3, 4, 4, 5, 5]);
    const conv = blockLayout([3, 3, 2, 4], 2);
    expect(conv.blocks).toBe(18);
    const index = blockIndex(conv);
    // spatial position 1 starts at block 2
    expect(Array.from(index.subarray(8, 16))).toEqual([2, 2, 3, 3, 2, 2, 3, 3]);
    expect(Array.from(blockScores([1, 2, 3, 4, 5, 6, 7, 8], blockIndex(blockLayout([2, 4], 2)), 2))).toEqual([1 + 2 + 5 + 6, 3 + 4 + 7 + 8]);
    expect(() => blockLayout([4, 6], 4)).toThrow(/block size 4 does not divide the kernel's \[4, 6\]/);
  });

  it('budgets are round(d · blocks) per layer; a scored mask keeps the blocks of highest summed score', () => {
    const layers = [layerOf([8, 8]), layerOf([8, 4])];
    expect(blockBudgets({ distribution: uniformTest, sparsity: 0.7 }, layers, 2)).toEqual([Math.round(0.3 * 16), Math.round(0.3 * 8)]);
    // one large weight does not beat a block of moderate ones: the sum decides
    const scores = [10, 0, 3, 3, 0, 0, 3, 3];
    const mask = blockHighestMask(scores, [2, 4], 2, 1);
    expect(Array.from(mask)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
    expect(blockViolation(mask, [2, 4], 2, 1)).toBeUndefined();
    expect(blockViolation([1, 0, 0, 0, 0, 0, 0, 0], [2, 4], 2, 1)).toMatch(/block 0 is partly active/);
    expect(blockViolation(mask, [2, 4], 2, 2)).toMatch(/1 active blocks of 2 × 2, not its budget of 2/);
  });
});

describe('block training (fast-check)', () => {
  it('after init and every update every b × b block is all 0 or all 1 and each layer holds round(d_l · blocks_l) blocks, for magnitude/random drop and gradient/random growth; host and device select the same masks', async () => {
    const batches = syntheticBatches({ count: 6, batchSize: 8 });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(2, 4),
        fc.constantFrom(uniformTest, erTest),
        fc.constantFrom(0.5, 0.8),
        fc.constantFrom(magnitude, randomDrop),
        fc.constantFrom(gradientGrow, randomGrow),
        async (b, distribution, sparsity, drop, grow) => {
          const strategy = blockStrategy(b, sparsity, distribution, drop, grow, 1);
          const host = trainerOf(strategy, 'host');
          const device = trainerOf(strategy, 'device');
          try {
            await host.initialize();
            await device.initialize();
            const shapes = host.summary().layers.map((l) => host.model.weights.find((w) => w.name === l.name)!.shape as number[]);
            const layers = shapes.map((s, i) => layerOf(s, `l${i}`));
            const budgets = distribution.densities(layers, sparsity).map((d, i) => Math.round((d * layers[i]!.size) / (b * b)));
            let previous = host.masks();
            let moved = false;
            const updates = await trainHostAndDevice(host, device, batches, (masks, t) => {
              masks.forEach((mask, l) => expectBlocks(mask, shapes[l]!, b, budgets[l]!, `layer ${l} at step ${t}`));
              if (JSON.stringify(masks) !== JSON.stringify(previous)) moved = true;
              previous = masks;
            });
            expect(updates).toBeGreaterThan(0);
            expect(moved, 'masks move').toBe(true);
          } finally {
            for (const t of [host, device]) {
              t.dispose();
              t.optimizer.dispose();
            }
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it('drops the active blocks of lowest summed |w| and a layer-scope scored init keeps the blocks of highest summed score', async () => {
    const scored = trainerOf({ ...blockStrategy(4, 0.75), init: { kind: 'scored', criterion: magnitude, scope: 'layer' } });
    try {
      const kernels = scored.model.weights.filter((w) => w.name.endsWith('/kernel'));
      const weights = await Promise.all(kernels.map(async (w) => ({ shape: w.shape as number[], values: (await w.read().data()) as Float32Array })));
      await scored.initialize();
      scored.masks().forEach((mask, l) => {
        const { shape, values } = weights[l]!;
        const layout = blockLayout(shape, 4);
        const sums = blockScores(Array.from(values, Math.abs), blockIndex(layout), layout.blocks);
        const budget = Math.round(0.25 * layout.blocks);
        const top = Array.from(sums.keys()).sort((a, c) => sums[c]! - sums[a]! || a - c).slice(0, budget);
        const tiles = tileCounts(mask, shape, 4);
        expect(tiles.flatMap((t, i) => (t === 16 ? [i] : []))).toEqual(top.sort((a, c) => a - c));
      });
    } finally {
      scored.dispose();
      scored.optimizer.dispose();
    }
  });
});

describe('blocks on a convolution', () => {
  it('keeps 2 × 2 blocks of [cIn, cOut] at every spatial position through drop-and-grow; host and device agree', async () => {
    const model = (): tfl.LayersModel =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }),
        ],
      });
    const strategy = blockStrategy(2, 0.6, uniformTest, magnitude, gradientGrow, 1);
    const [host, device] = (['host', 'device'] as const).map((selection) => new SparseTrainer(model(), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', selection, onWarning: () => undefined }));
    try {
      const shapes = [[3, 3, 2, 4], [64, 4]];
      const budgets = [Math.round(0.4 * 18), Math.round(0.4 * 64)];
      let updates = 0;
      for (let t = 0; t < 4; t++) {
        const x = tf.randomUniform([4, 6, 6, 2], -1, 1, 'float32', t + 1);
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, t % 4], 'int32'), 4);
        const a = await host!.step(x, y);
        const b = await device!.step(x, y);
        tf.dispose([x, y]);
        expect(b.maskUpdated).toBe(a.maskUpdated);
        if (a.maskUpdated) updates++;
        host!.masks().forEach((mask, l) => expectBlocks(mask, shapes[l]!, 2, budgets[l]!, `layer ${l} at step ${t}`));
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

describe('block bad input', () => {
  const refuses = (strategy: SparseStrategy, message: RegExp, hidden = [48, 32]) => expect(() => trainerOf(strategy, 'host', hidden)).toThrow(message);

  it('refuses a block size that does not divide a layer, naming the layer and the sizes that work', () => {
    refuses(blockStrategy(3, 0.5), /strategy.granularity.size = 3 does not divide the \[16, 48\] input and output sizes of layer dense_Dense\d+ \(kernel \[16, 48\]\); use a block size dividing every masked layer's input and output sizes \(here: 1, 2, 4\)/);
    refuses(blockStrategy(0, 0.5), /strategy.granularity.size must be an integer ≥ 1 \(the block side b\), got 0/);
    refuses(blockStrategy(2.5, 0.5), /strategy.granularity.size must be an integer ≥ 1 \(the block side b\), got 2.5/);
  });

  it('refuses a layer left without blocks, naming the layer and the density it needs', () => {
    // last layer [32, 4] has 8 blocks of 4 × 4: density 0.05 gives round(0.4) = 0
    refuses(blockStrategy(4, 0.95), /granularity 'block': layer dense_Dense\d+ \(kernel \[32, 4\], 8 blocks of 4 × 4\) gets density 0.05\d* from distribution 'uniform', so round\(.*\) = 0 active blocks; it needs density ≥ 0.0625/);
  });

  it('refuses a dense or global init, pruning, global scope, redistribution and an update without growth', () => {
    const base = blockStrategy(2, 0.5);
    refuses({ ...base, init: { kind: 'dense' } }, /init 'dense' cannot be combined with granularity 'block'/);
    refuses({ ...base, init: { kind: 'scored', criterion: saliency, scope: 'global' } }, /init.scope 'global' cannot be combined with granularity 'block'/);
    refuses({ ...base, update: { ...base.update!, targetSparsity: polynomialSparsitySchedule({ final: 0.5, begin: 0, end: 10 }) } }, /targetSparsity .* cannot be combined with granularity 'block' \(every layer keeps round\(d_l · blocks_l\) active blocks\); block updates are drop-and-grow/);
    refuses({ ...base, update: { ...base.update!, scope: 'global' } }, /scope 'global' cannot be combined with granularity 'block'/);
    refuses({ ...base, update: { ...base.update!, redistribution: proportional } }, /redistribution 'proportional' cannot be combined with granularity 'block'/);
    const { grow: _grow, ...noGrow } = base.update!;
    refuses({ ...base, update: noGrow }, /strategy.update.grow is required with granularity 'block'/);
  });
});

describe('block checkpoints', () => {
  it('refuses a checkpoint whose masks break the blocks, loading nothing; a block checkpoint round-trips and resumes identically', async () => {
    const { granularity: _g, ...unstructured } = blockStrategy(2, 0.5);
    const source = trainerOf(unstructured);
    const target = trainerOf(blockStrategy(2, 0.5));
    const resumed = trainerOf(blockStrategy(2, 0.5));
    try {
      await source.initialize();
      const checkpoint = await source.saveCheckpoint();
      const tensors = tf.memory().numTensors;
      await expect(target.loadCheckpoint(checkpoint)).rejects.toThrow(/loadCheckpoint: the mask of layer dense_Dense\d+ breaks granularity 'block': block \d+ is partly active/);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(target.initialized).toBe(false);
      const batches = syntheticBatches({ count: 4, batchSize: 8 });
      const { toTensors } = await import('../testing/index.js');
      const run = async (t: SparseTrainer, from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const { x, y } = toTensors(batches[i]!);
          await t.step(x, y);
          tf.dispose([x, y]);
        }
      };
      await run(target, 0, 2);
      await resumed.loadCheckpoint(await target.saveCheckpoint());
      await run(target, 2, 4);
      await run(resumed, 2, 4);
      expect(resumed.masks()).toEqual(target.masks());
    } finally {
      for (const t of [source, target, resumed]) {
        t.dispose();
        t.optimizer.dispose();
      }
    }
  });
});
