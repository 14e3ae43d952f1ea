// Checkpoints of the sparse engine: a run resumes bit-identically (structure, values, biases, optimizer state of
// the nonzeros with Adam's hidden scalars, step, generator, FLOPs, ever-active positions), into a new engine
// before its first step or into one already trained; a refused checkpoint changes nothing; save and load make
// nothing of a dense kernel's size; save/load cycles leak no tensors.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { rigl, set } from '@topiary/algorithms';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type SparseStrategy } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors, type HostBatch } from '@topiary/core/testing';
import { uniform } from '@topiary/distributions';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordAllocationsAsync } from '../../__tests__/allocations.js';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import type { SparseMlpSpec } from '../network-spec.js';
import { SparseEngineTrainer } from '../sparse-engine-trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const STEPS = 24;
const batches = syntheticBatches({ count: STEPS, batchSize: 8 });
const SPEC: SparseMlpSpec = { inputs: 16, layers: [{ units: 24, activation: 'relu' }, { units: 12, activation: 'tanh', useBias: false }, { units: 4, activation: 'softmax' }] };

const optimizers: Record<string, () => tf.Optimizer> = {
  momentum: () => tf.train.momentum(0.05, 0.9),
  nesterov: () => tf.train.momentum(0.05, 0.9, true),
  adam: () => tf.train.adam(0.01),
  rmsprop: () => tf.train.rmsprop(0.01, 0.9, 0.5),
  sgd: () => tf.train.sgd(0.1),
};
const strategies: Record<string, () => SparseStrategy> = {
  rigl: () => rigl({ sparsity: 0.8, totalSteps: STEPS, updateEvery: 5 }),
  set: () => set({ sparsity: 0.8, totalSteps: STEPS, updateEvery: 5 }),
};

function engine(strategy: string, optimizer: string, source: 'model' | 'spec' = 'model', seed = 3): SparseEngineTrainer {
  return new SparseEngineTrainer(source === 'model' ? tinyMlp({ seed: 1 }) : SPEC, {
    strategy: strategies[strategy]!(),
    optimizer: optimizers[optimizer]!(),
    loss: 'categoricalCrossentropy',
    seed,
    weightDecay: 1e-4,
    products: typescriptProducts(),
  });
}

async function train(trainer: SparseEngineTrainer, data: readonly HostBatch[], from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const { x, y } = toTensors(data[i]!);
    await trainer.step(x, y);
    tf.dispose([x, y]);
  }
}

/** Everything a run's future depends on, read densely (small layers). */
async function state(trainer: SparseEngineTrainer): Promise<unknown> {
  const kernels = await trainer.kernels();
  const biases = await Promise.all(trainer.layers.map(async (l) => (l.bias ? Array.from((await l.bias.data()) as Float32Array) : undefined)));
  const weights = await trainer.optimizer.getWeights();
  const slots = await Promise.all(weights.map(async ({ name, tensor }) => [name.slice(name.lastIndexOf('/')), Array.from(await tensor.data())]));
  tf.dispose(weights.filter(({ tensor }) => !(tensor instanceof tf.Variable)).map(({ tensor }) => tensor));
  const hidden = ['accBeta1', 'accBeta2'].map((n) => (trainer.optimizer as unknown as Record<string, tf.Variable | undefined>)[n]?.dataSync()[0]);
  return { masks: trainer.masks(), kernels: kernels.map((k) => Array.from(k.toDense())), biases, slots, hidden, step: trainer.stepCount, flops: trainer.flops(), summary: { ...trainer.summary(), layers: trainer.summary().layers.map(({ size, active }) => ({ size, active })) } };
}

function disposeAll(...trainers: SparseEngineTrainer[]): void {
  for (const t of trainers) {
    t.dispose();
    t.optimizer.dispose();
  }
}

describe('sparse-engine checkpoints', () => {
  const cases: [string, string, 'model' | 'spec', number][] = [
    ['rigl', 'momentum', 'model', 10],
    ['rigl', 'adam', 'model', 12],
    ['set', 'nesterov', 'spec', 5],
    ['set', 'rmsprop', 'model', 11],
    ['rigl', 'sgd', 'spec', 7],
  ];
  it.each(cases)('%s with %s (from a %s) resumes bit-identically after step %i, into a new engine and into a trained one', async (strategy, optimizer, source, k) => {
    const whole = engine(strategy, optimizer, source);
    const first = engine(strategy, optimizer, source);
    const fresh = engine(strategy, optimizer, source);
    const trained = engine(strategy, optimizer, source, 9);
    try {
      await train(whole, batches, 0, STEPS);
      await train(first, batches, 0, k);
      await train(trained, batches.slice().reverse(), 0, 6);
      const checkpoint = decodeCheckpoint(encodeCheckpoint(await first.saveCheckpoint()));
      expect(checkpoint.manifest).toMatchObject({ version: 3, engine: 'sparse', step: k });
      expect(checkpoint.manifest.layers.every((l) => l.storage === 'csr')).toBe(true);
      await fresh.loadCheckpoint(checkpoint);
      await trained.loadCheckpoint(checkpoint);
      expect(fresh.stepCount).toBe(k);
      expect(await state(fresh)).toEqual(await state(first));
      for (const t of [first, fresh, trained]) await train(t, batches, k, STEPS);
      const expected = await state(whole);
      expect(await state(first)).toEqual(expected);
      expect(await state(fresh)).toEqual(expected);
      expect(await state(trained)).toEqual(expected);
    } finally {
      disposeAll(whole, first, fresh, trained);
    }
  }, 60_000);

  it('refuses a bad checkpoint naming what is wrong, and changes nothing', async () => {
    const source = engine('rigl', 'momentum');
    const target = engine('rigl', 'momentum', 'model', 5);
    const adam = new SparseEngineTrainer(tinyMlp({ seed: 1 }), { strategy: rigl({ sparsity: 0.8, totalSteps: STEPS, updateEvery: 5 }), optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', products: typescriptProducts() });
    const other = new SparseEngineTrainer(tinyMlp({ seed: 1, hidden: [40, 32] }), { strategy: rigl({ sparsity: 0.8, totalSteps: STEPS }), optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', products: typescriptProducts() });
    try {
      await train(source, batches, 0, 7);
      await train(target, batches, 3, 9);
      const good = await source.saveCheckpoint();
      const edit = (change: (manifest: Record<string, unknown>, data: Uint8Array) => void): Checkpoint => {
        const manifest = JSON.parse(JSON.stringify(good.manifest)) as Record<string, unknown>;
        const data = good.data.slice();
        change(manifest, data);
        return { manifest: manifest as unknown as Checkpoint['manifest'], data };
      };
      const tensor = (m: Record<string, unknown>, key: string): { offset: number; byteLength: number } => (m['tensors'] as { key: string; offset: number; byteLength: number }[]).find((t) => t.key === key)!;
      const int32At = (data: Uint8Array, offset: number, value: number): void => new DataView(data.buffer).setInt32(offset, value, true);
      const bad: [string, Checkpoint, RegExp][] = [
        ['a repeated column', edit((m, d) => int32At(d, tensor(m, 'columnIndices/0').offset + 4, new DataView(d.buffer).getInt32(tensor(m, 'columnIndices/0').offset, true))), /layer 0 \(.*\) is not a valid CSR structure of a 16 × 48 kernel: column indices of row 0 are not strictly ascending at index 1/],
        ['a column out of range', edit((m, d) => int32At(d, tensor(m, 'columnIndices/1').offset, 999)), /column index 0 is 999, outside \[0, 32\)/],
        ['row pointers that do not end at nnz', edit((m, d) => int32At(d, tensor(m, 'rowPointers/2').offset + tensor(m, 'rowPointers/2').byteLength - 4, 3)), /last row pointer is 3/],
        ['an ever-active record missing a stored weight', edit((m) => ((m['layers'] as { everActive: number }[])[0]!.everActive = 1)), /everActiveColumnIndices\/0/],
        ['a NaN value', edit((m, d) => new DataView(d.buffer).setFloat32(tensor(m, 'weight/0').offset, NaN, true)), /weight\/0 .* holds NaN at index 0; non-finite state is refused/],
        ['an unknown storage', edit((m) => ((m['layers'] as { storage: string }[])[1]!.storage = 'coo')), /manifest.layers\[1\].storage must be one of dense, csr \(got "coo"\)/],
        ['truncated data', { manifest: good.manifest, data: good.data.slice(0, good.data.byteLength - 8) }, /truncated or corrupt/],
        ['version 4', edit((m) => (m['version'] = 4)), /manifest.version must be 2 or 3 \(got 4\)/],
      ];
      const before = await state(target);
      for (const [what, checkpoint, error] of bad) {
        await expect(target.loadCheckpoint(checkpoint), what).rejects.toThrow(error);
        expect(await state(target), what).toEqual(before);
      }
      await adam.initialize();
      await expect(adam.loadCheckpoint(good)).rejects.toThrow(/optimizer is Momentum \(slots momentum\) but this trainer's optimizer is Adam \(slots m, v\)/);
      await expect(other.loadCheckpoint(good)).rejects.toThrow(/masked layer 0 \(.*\) has shape \[16,48\] but the model's masked layer 0 \(.*\) has shape \[16,40\]/);
      expect(other.initialized).toBe(false);
      await expect(target.loadCheckpoint(good, { allowNonFinite: 'yes' as unknown as boolean })).rejects.toThrow(/allowNonFinite/);
      await target.loadCheckpoint(edit((m, d) => new DataView(d.buffer).setFloat32(tensor(m, 'weight/0').offset, NaN, true)), { allowNonFinite: true });
      expect(target.stepCount).toBe(7);
    } finally {
      disposeAll(source, target, adam, other);
    }
  }, 60_000);

  it('leaks no tensors over 50 save/load cycles (momentum, Adam)', async () => {
    for (const optimizer of ['momentum', 'adam']) {
      const trainer = engine('rigl', optimizer);
      try {
        await train(trainer, batches, 0, 6);
        const checkpoint = await trainer.saveCheckpoint();
        await trainer.loadCheckpoint(checkpoint);
        const before = tf.memory().numTensors;
        for (let i = 0; i < 50; i++) await trainer.loadCheckpoint(await trainer.saveCheckpoint());
        expect(tf.memory().numTensors, optimizer).toBe(before);
      } finally {
        disposeAll(trainer);
      }
    }
  }, 60_000);

  it('checkpoints a 70 000 × 70 000 layer (4.9·10⁹ positions, 490 stored) and restores its structure and ever-active positions', async () => {
    const make = (): SparseEngineTrainer =>
      new SparseEngineTrainer(
        { inputs: 70_000, layers: [{ units: 70_000, activation: 'relu' }, { units: 2, activation: 'softmax' }] },
        { strategy: set({ sparsity: 0.9999999, totalSteps: 8, distribution: uniform() }), optimizer: tf.train.momentum(0.01, 0.9), loss: 'categoricalCrossentropy', products: typescriptProducts() },
      );
    const trainer = make();
    const resumed = make();
    try {
      await trainer.initialize();
      const checkpoint = decodeCheckpoint(encodeCheckpoint(await trainer.saveCheckpoint()));
      // row pointers of both layers' structures and ever-active records, the dense biases, O(nnz) for the rest
      expect(checkpoint.data.byteLength).toBeLessThan(4 * 4 * 70_001 + 4 * 70_002 + 16 * 1000);
      await resumed.loadCheckpoint(checkpoint);
      const [a, b] = [trainer.layers[0]!, resumed.layers[0]!];
      expect(b.nnz).toBe(490);
      expect(Array.from(b.structure.columnIndices)).toEqual(Array.from(a.structure.columnIndices));
      expect(Array.from(b.structure.rowPointers)).toEqual(Array.from(a.structure.rowPointers));
      expect(Array.from(await b.values.data())).toEqual(Array.from(await a.values.data()));
      expect(resumed.summary()).toEqual(trainer.summary());
    } finally {
      disposeAll(trainer, resumed);
    }
  }, 60_000);

  it('saves and loads a 4096 × 4096 layer at 99.5% sparsity without a buffer of the dense kernel\'s size', async () => {
    const width = 4096;
    const make = (): SparseEngineTrainer =>
      new SparseEngineTrainer(
        { inputs: width, layers: [{ units: width, activation: 'relu' }, { units: 4, activation: 'softmax' }] },
        { strategy: rigl({ sparsity: 0.995, totalSteps: 8, updateEvery: 2, distribution: uniform() }), optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', products: typescriptProducts() },
      );
    const trainer = make();
    const resumed = make();
    const x = tf.randomUniform([4, width], 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4), 'float32'));
    try {
      for (let i = 0; i < 3; i++) await trainer.step(x, y); // an update at step 2
      let bytes = 0;
      const sizes = await recordAllocationsAsync(async () => {
        const encoded = encodeCheckpoint(await trainer.saveCheckpoint());
        bytes = encoded.byteLength;
        await resumed.loadCheckpoint(decodeCheckpoint(encoded));
      });
      const nnz = trainer.layers[0]!.nnz;
      expect(resumed.layers[0]!.nnz).toBe(nnz);
      expect(resumed.summary()).toEqual(trainer.summary());
      // values, column indices, two Adam slots and the ever-active columns per nonzero, plus row pointers and the manifest
      expect(bytes).toBeLessThan(5 * 4 * 2 * nnz + 2 * 4 * (width + 1) + 40_000);
      expect(Math.max(...sizes)).toBeLessThan((width * width) / 4);
      await trainer.step(x, y);
      await resumed.step(x, y);
      const [a, b] = await Promise.all([trainer.layers[0]!.values.data(), resumed.layers[0]!.values.data()]);
      expect(Array.from(b)).toEqual(Array.from(a));
    } finally {
      tf.dispose([x, y]);
      disposeAll(trainer, resumed);
    }
  }, 120_000);
});
