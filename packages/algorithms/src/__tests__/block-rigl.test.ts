import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SparseTrainer } from '@topiary/core';
import { runConformanceSuite, syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockRigl, resolveStrategy, rigl } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Active weights of every b × b tile of a Dense kernel mask [in, out]. */
function tileCounts(mask: ArrayLike<number>, [inputs, out]: readonly number[], b: number): number[] {
  const counts: number[] = [];
  for (let bi = 0; bi < inputs! / b; bi++) {
    for (let bo = 0; bo < out! / b; bo++) {
      let active = 0;
      for (let r = 0; r < b; r++) for (let c = 0; c < b; c++) active += mask[(bi * b + r) * out! + bo * b + c]!;
      counts.push(active);
    }
  }
  return counts;
}

describe('block-rigl preset', () => {
  it("defaults to RigL's schedule, criteria and ERK with 2 × 2 blocks; written as JSON it resolves to the same", () => {
    const s = blockRigl({ sparsity: 0.9, totalSteps: 1000 });
    const r = rigl({ sparsity: 0.9, totalSteps: 1000 });
    expect(s.name).toBe('block-rigl');
    expect(s.granularity).toEqual({ kind: 'block', size: 2 });
    expect(s.distribution.kind).toBe('erk');
    expect(s.update!.drop.kind).toBe('magnitude');
    expect(s.update!.grow!.kind).toBe('gradient');
    expect(s.update!.schedule).toEqual(r.update!.schedule);
    const json = resolveStrategy({ method: 'block-rigl', sparsity: 0.9, blockSize: 4 }, { totalSteps: 1000 });
    expect(json.granularity).toEqual({ kind: 'block', size: 4 });
    expect(json.update!.schedule).toEqual(s.update!.schedule);
    expect(() => blockRigl({ sparsity: 0.9, totalSteps: 1000, blockSize: 0 })).toThrow(/block-rigl.blockSize: must be > 0 \(got 0\)/);
    expect(() => resolveStrategy({ method: 'block-rigl', sparsity: 0.9, blocksize: 4 }, { totalSteps: 1000 })).toThrow(/did you mean "blockSize"/);
  });

  it('keeps whole 4 × 4 blocks and each layer its block count through training', async () => {
    const trainer = new SparseTrainer(tinyMlp(), { strategy: blockRigl({ sparsity: 0.8, totalSteps: 12, updateEvery: 2, blockSize: 4 }), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const shapes = trainer.model.weights.filter((w) => w.name.endsWith('/kernel')).map((w) => w.shape as number[]);
    let first: number[] | undefined;
    let updates = 0;
    try {
      for (const batch of syntheticBatches({ count: 12, batchSize: 8 })) {
        const { x, y } = toTensors(batch);
        if ((await trainer.step(x, y)).maskUpdated) updates++;
        tf.dispose([x, y]);
        const blocks = trainer.masks().map((mask, l) => {
          const tiles = tileCounts(mask, shapes[l]!, 4);
          expect(tiles.filter((t) => t !== 0 && t !== 16), `layer ${l}`).toEqual([]);
          return tiles.filter((t) => t === 16).length;
        });
        first ??= blocks;
        expect(blocks).toEqual(first);
      }
      expect(updates).toBeGreaterThan(0);
    } finally {
      trainer.dispose();
      trainer.optimizer.dispose();
    }
  });

  it('refuses a block size that does not divide a layer, naming the layer and the sizes that work', () => {
    expect(() => new SparseTrainer(tinyMlp(), { strategy: blockRigl({ sparsity: 0.8, totalSteps: 100, blockSize: 8 }), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' })).toThrow(
      /strategy.granularity.size = 8 does not divide the \[32, 4\] input and output sizes of layer dense_Dense\d+ .*\(here: 1, 2, 4\)/,
    );
  });
});

describe("custom's granularity in JSON", () => {
  const base = { method: 'custom', sparsity: 0.5, distribution: { kind: 'uniform' }, update: { updateEvery: 2, drop: { kind: 'magnitude' }, grow: { kind: 'gradient' }, dropFraction: { kind: 'constant', value: 0.3 } } };

  it('takes n:m, fan-in (with ablation) and block granularities', () => {
    expect(resolveStrategy({ ...base, granularity: { kind: 'n:m', n: 2, m: 4 } }, { totalSteps: 100 }).granularity).toEqual({ kind: 'n:m', n: 2, m: 4 });
    expect(resolveStrategy({ ...base, granularity: { kind: 'fan-in' } }, { totalSteps: 100 }).granularity).toEqual({ kind: 'fan-in' });
    expect(resolveStrategy({ ...base, granularity: { kind: 'fan-in', ablation: { threshold: 0.3 } } }, { totalSteps: 100 }).granularity).toEqual({ kind: 'fan-in', ablation: { threshold: 0.3 } });
    expect(resolveStrategy({ ...base, granularity: { kind: 'block', size: 4 } }, { totalSteps: 100 }).granularity).toEqual({ kind: 'block', size: 4 });
    expect(resolveStrategy({ ...base, update: undefined, granularity: { kind: 'block', size: 4 } }, { totalSteps: 100 }).granularity).toEqual({ kind: 'block', size: 4 });
  });

  it('refuses bad granularities naming the field and the value', () => {
    expect(() => resolveStrategy({ ...base, granularity: { kind: 'block', size: 0 } }, { totalSteps: 100 })).toThrow(/granularity.size: must be > 0/);
    expect(() => resolveStrategy({ ...base, granularity: { kind: 'block', size: 4, n: 2 } }, { totalSteps: 100 })).toThrow(/granularity/);
    expect(() => resolveStrategy({ ...base, granularity: { kind: 'fan-in', ablation: { threshold: 2 } } }, { totalSteps: 100 })).toThrow(/granularity.ablation.threshold: must be ≤ 1/);
    expect(() => resolveStrategy({ ...base, granularity: { kind: 'n:m', n: 4, m: 4 } }, { totalSteps: 100 })).toThrow(/granularity.n: must be < m = 4/);
    expect(() => resolveStrategy({ ...base, granularity: { kind: 'tiles', size: 4 } }, { totalSteps: 100 })).toThrow(/granularity/);
  });

  it('a JSON block strategy trains with whole blocks', async () => {
    const strategy = resolveStrategy({ ...base, granularity: { kind: 'block', size: 2 } }, { totalSteps: 6 });
    const trainer = new SparseTrainer(tinyMlp(), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const shapes = trainer.model.weights.filter((w) => w.name.endsWith('/kernel')).map((w) => w.shape as number[]);
    try {
      for (const batch of syntheticBatches({ count: 6, batchSize: 8 })) {
        const { x, y } = toTensors(batch);
        await trainer.step(x, y);
        tf.dispose([x, y]);
      }
      trainer.masks().forEach((mask, l) => expect(tileCounts(mask, shapes[l]!, 2).filter((t) => t !== 0 && t !== 4)).toEqual([]));
    } finally {
      trainer.dispose();
      trainer.optimizer.dispose();
    }
  });
});

runConformanceSuite({
  name: 'cpu (block-rigl)',
  setup: async () => {
    await tf.setBackend('cpu');
  },
  strategies: {
    'block-rigl': { masks: 'change', create: (c) => blockRigl({ sparsity: c.sparsity, totalSteps: c.totalSteps, updateEvery: c.updateEvery, blockSize: 4 }) },
  },
});
