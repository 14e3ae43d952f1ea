import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint.js';
import { fitCallback } from '../fit-callback.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { SparseTrainer } from '../trainer.js';
import type { DropCriterion, SparseStrategy } from '../types.js';
import { referenceStrategies, uniformTest } from '../testing/reference-strategies.js';
import { testRigl } from './trainer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rigl = (every = 5, end = 1000): SparseStrategy => testRigl(every, end);

async function run(trainer: SparseTrainer, steps: number): Promise<void> {
  for (const batch of syntheticBatches({ count: steps })) {
    const { x, y } = toTensors(batch);
    await trainer.step(x, y);
    tf.dispose([x, y]);
  }
}

describe('SparseTrainer', () => {
  it('refuses bad options with the field, the value and the allowed range', () => {
    const model = tinyMlp();
    const optimizer = tf.train.sgd(0.1);
    expect(() => new SparseTrainer(model, { strategy: rigl(), optimizer, loss: 'categoricalCrossentropy', weightDecay: -1 })).toThrow(/weightDecay must be a finite number ≥ 0, got -1/);
    expect(() => new SparseTrainer(model, { strategy: rigl(), optimizer, loss: 'hinge' as never })).toThrow(/loss must be a function or one of categoricalCrossentropy/);
    expect(() => new SparseTrainer(model, { strategy: rigl(), optimizer, loss: 'categoricalCrossentropy', layers: { exclude: ['nope'] } })).toThrow(/layers\.exclude names layer "nope", which the model lacks/);
    expect(() => new SparseTrainer(model, { strategy: rigl(), optimizer, loss: 'categoricalCrossentropy', seed: 1.5 })).toThrow(/seed must be an integer, got 1\.5/);
  });

  it('refuses hand-built strategies that contradict themselves, naming the field', () => {
    const model = tinyMlp();
    const base = rigl();
    const globalRedistributed: SparseStrategy = { ...base, update: { ...base.update!, scope: 'global', redistribution: { kind: 'momentum', allocate: () => [] } as never } };
    expect(() => new SparseTrainer(model, { strategy: globalRedistributed, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' })).toThrow(
      /strategy\.update\.redistribution must be absent under scope 'global' \(both decide per-layer counts\), got "momentum"/,
    );
    const badScope: SparseStrategy = { ...base, update: { ...base.update!, scope: 'everywhere' as never } };
    expect(() => new SparseTrainer(model, { strategy: badScope, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' })).toThrow(/strategy\.update\.scope must be 'layer' or 'global', got "everywhere"/);
    const { grow: _grow, ...withoutGrow } = base.update!;
    const noGrow: SparseStrategy = { ...base, update: { ...withoutGrow, redistribution: { kind: 'momentum', allocate: () => [] } as never } };
    expect(() => new SparseTrainer(model, { strategy: noGrow, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' })).toThrow(
      /strategy\.update\.redistribution must be used only with a grow criterion/,
    );
    const pruneAndDrift: SparseStrategy = { ...base, update: { ...withoutGrow, targetSparsity: { kind: 'constant', valueAt: () => 0.5 } } };
    expect(() => new SparseTrainer(model, { strategy: pruneAndDrift, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' })).toThrow(
      /strategy\.update\.grow must be a grow criterion when targetSparsity and dropFraction are both given/,
    );
  });

  it.each([
    ['sgd', () => tf.train.sgd(0.1)],
    ['momentum', () => tf.train.momentum(0.1, 0.9)],
    ['adam', () => tf.train.adam(0.01)],
    ['rmsprop', () => tf.train.rmsprop(0.01)],
    ['adagrad', () => tf.train.adagrad(0.1)],
  ] as const)('sets the learning rate of %s, which the next step uses', async (_name, make) => {
    const optimizer = make();
    const trainer = new SparseTrainer(tinyMlp(), { strategy: rigl(), optimizer, loss: 'categoricalCrossentropy' });
    trainer.setLearningRate(0.005);
    expect((optimizer as unknown as { learningRate: number }).learningRate).toBe(0.005);
    const batch = toTensors(syntheticBatches({ count: 1 })[0]!);
    await trainer.step(batch.x, batch.y);
    expect((optimizer as unknown as { learningRate: number }).learningRate).toBe(0.005);
    tf.dispose([batch.x, batch.y]);
    trainer.dispose();
  });

  it('refuses a model with no prunable layer', () => {
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [2, 2] }), tfl.layers.activation({ activation: 'relu' })] });
    expect(() => new SparseTrainer(model, { strategy: rigl(), optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' })).toThrow(/model has no prunable layer/);
  });

  it('surfaces distribution errors at construction, before any weight changes', () => {
    const model = tinyMlp();
    const bad: SparseStrategy = {
      ...rigl(),
      distribution: {
        kind: 'custom',
        densities: () => {
          throw new Error('custom distribution names layer "conv9", which the model lacks');
        },
      },
    };
    expect(() => new SparseTrainer(model, { strategy: bad, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' })).toThrow(/conv9/);
  });

  it('masks only the selected layers and keeps excluded ones dense', async () => {
    const model = tinyMlp();
    const first = model.layers[0]!.name;
    const trainer = new SparseTrainer(model, { strategy: rigl(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', layers: { exclude: [first] } });
    await run(trainer, 3);
    expect(trainer.summary().layers.map((l) => l.layerName)).not.toContain(first);
    const values = (await model.layers[0]!.getWeights()[0]!.data()) as Float32Array;
    expect(values.every((v) => v !== 0)).toBe(true);
    trainer.dispose();
  });

  it('accounts training FLOPs per RigL App. H: 3 f_S per step, 2 f_S + f_D at updates, 3 f_D for dense', async () => {
    const trainer = new SparseTrainer(tinyMlp(), { strategy: rigl(5), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await run(trainer, 20);
    const f = trainer.flops();
    const fS = f.inferencePerSample;
    const fD = f.denseInferencePerSample;
    // 20 steps of 32 samples; updates at steps 5, 10, 15 need the dense gradient
    expect(f.training).toBeCloseTo(32 * (17 * 3 * fS + 3 * (2 * fS + fD)), 6);
    expect(f.denseTraining).toBe(32 * 20 * 3 * fD);
    expect(f.inferenceRatio).toBeGreaterThan(0.15);
    expect(f.inferenceRatio).toBeLessThan(0.3);
    trainer.dispose();

    const dense = new SparseTrainer(tinyMlp(), {
      strategy: { name: 'dense', sparsity: 0, distribution: uniformTest, init: { kind: 'dense' } },
      optimizer: tf.train.sgd(0.1),
      loss: 'categoricalCrossentropy',
    });
    await run(dense, 4);
    expect(dense.flops().trainingRatio).toBe(1);
    expect(dense.summary().sparsity).toBe(0);
    dense.dispose();
  });

  it('exploration rate grows when masks move and stays at the density when they do not', async () => {
    const moving = new SparseTrainer(tinyMlp(), { strategy: rigl(2), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await run(moving, 12);
    expect(moving.summary().explorationRate).toBeGreaterThan(0.21);
    moving.dispose();
    const fixed = new SparseTrainer(tinyMlp(), { strategy: referenceStrategies.static!.create({ totalSteps: 12, updateEvery: 2, sparsity: 0.8 }), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await run(fixed, 12);
    expect(fixed.summary().explorationRate).toBeCloseTo(1 - fixed.summary().sparsity, 12);
    fixed.dispose();
  });

  it('skips an update whose scores are not finite, keeps the masks and warns once', async () => {
    const poisoned: DropCriterion = { kind: 'poisoned', score: ({ weight }) => tf.mul(tf.div(tf.abs(weight), 0), 0) }; // 0·∞ = NaN
    const warnings: string[] = [];
    const trainer = new SparseTrainer(tinyMlp(), {
      strategy: { ...rigl(2), update: { ...rigl(2).update!, drop: poisoned } },
      optimizer: tf.train.sgd(0.1),
      loss: 'categoricalCrossentropy',
      onWarning: (m) => warnings.push(m),
    });
    const before = tf.memory().numTensors;
    await run(trainer, 1);
    const masks = trainer.masks();
    await run(trainer, 8);
    expect(trainer.masks()).toEqual(masks);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not finite.*skipped/);
    trainer.dispose();
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(before);
  });

  it('resets Adam moments of changed positions and trains with Nesterov momentum', async () => {
    for (const optimizer of [tf.train.adam(0.01), tf.train.momentum(0.05, 0.9, true)]) {
      const trainer = new SparseTrainer(tinyMlp(), { strategy: rigl(3), optimizer, loss: 'categoricalCrossentropy' });
      const batches = syntheticBatches({ count: 9 });
      let previous: Uint8Array[] | undefined;
      for (const batch of batches) {
        const { x, y } = toTensors(batch);
        const result = await trainer.step(x, y);
        tf.dispose([x, y]);
        if (result.maskUpdated && previous) {
          const masks = trainer.masks();
          const slots = await optimizer.getWeights();
          const names = trainer.summary().layers.map((l) => l.name);
          let checked = 0;
          for (const { name, tensor } of slots) {
            const layer = names.findIndex((n) => name.startsWith(`${n}/`));
            if (layer < 0) continue;
            const values = (await tensor.data()) as Float32Array;
            masks[layer]!.forEach((m, j) => {
              if (m !== previous![layer]![j]) {
                expect(Math.abs(values[j]!)).toBe(0);
                checked++;
              }
            });
          }
          expect(checked).toBeGreaterThan(0);
        }
        previous = trainer.masks();
      }
      trainer.dispose();
    }
  });

  it('refuses a checkpoint whose shapes do not match the model, changing nothing', async () => {
    const source = new SparseTrainer(tinyMlp({ hidden: [48, 32] }), { strategy: rigl(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await run(source, 2);
    const checkpoint = decodeCheckpoint(encodeCheckpoint(await source.saveCheckpoint()));
    const other = new SparseTrainer(tinyMlp({ hidden: [40, 32] }), { strategy: rigl(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await run(other, 2);
    const before = { step: other.stepCount, masks: other.masks() };
    await expect(other.loadCheckpoint(checkpoint)).rejects.toThrow(/masked layer 0 .* has shape \[16,48\] but the model's masked layer 0 .* has shape \[16,40\]/);
    expect(other.stepCount).toBe(before.step);
    expect(other.masks()).toEqual(before.masks);
    const truncated = { ...checkpoint, data: checkpoint.data.slice(0, 100) };
    const same = new SparseTrainer(tinyMlp({ hidden: [48, 32] }), { strategy: rigl(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await expect(same.loadCheckpoint(truncated)).rejects.toThrow(/truncated or corrupt/);
    expect(() => decodeCheckpoint(new Uint8Array(2))).toThrow(/truncated/);
    [source, other, same].forEach((t) => t.dispose());
  });

  it('works as a model.fit callback: masks chosen, inactive weights zero after fit, updates run', async () => {
    const model = tinyMlp();
    const optimizer = tf.train.sgd(0.1);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const trainer = new SparseTrainer(model, { strategy: rigl(2), optimizer, loss: 'categoricalCrossentropy' });
    const [probe] = syntheticBatches({ count: 1, seed: 99 });
    const probeTensors = toTensors(probe!);
    const data = syntheticBatches({ count: 1, batchSize: 256 })[0]!;
    const { x, y } = toTensors(data);
    const initial = await (async () => {
      await trainer.initialize(probeTensors.x, probeTensors.y);
      return trainer.masks();
    })();
    await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0, callbacks: [fitCallback(trainer, { batchSize: 32, probeBatch: () => probeTensors })] });
    expect(trainer.stepCount).toBe(8);
    const masks = trainer.masks();
    expect(masks).not.toEqual(initial);
    const kernel = (await model.layers[0]!.getWeights()[0]!.data()) as Float32Array;
    masks[0]!.forEach((m, j) => {
      if (m === 0) expect(Math.abs(kernel[j]!)).toBe(0);
    });
    expect(() => fitCallback(trainer, { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    tf.dispose([x, y, probeTensors.x, probeTensors.y]);
    trainer.dispose();
  });

  it('warns through console.warn by default', async () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const poisoned: DropCriterion = { kind: 'poisoned', score: ({ weight }) => tf.mul(tf.abs(weight), NaN) };
    const trainer = new SparseTrainer(tinyMlp(), { strategy: { ...rigl(2), update: { ...rigl(2).update!, drop: poisoned } }, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    await run(trainer, 5);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    trainer.dispose();
  });
});

describe('embeddings', () => {
  it('masks an embedding table only when layers.include names it, and trains through gather', async () => {
    const build = () =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 4, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 2 }) }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
        ],
      });
    const strategy = (): SparseStrategy => ({ ...rigl(2), sparsity: 0.5 });
    const byDefault = new SparseTrainer(build(), { strategy: strategy(), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    expect(() => byDefault.flops()).not.toThrow();
    const model = build();
    const names = model.layers.map((l) => l.name);
    const trainer = new SparseTrainer(model, { strategy: strategy(), optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy', layers: { include: [names[0]!, names[2]!] } });
    const x = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8], [1, 3, 5, 7], [2, 4, 6, 8]], [4, 4], 'int32');
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
    for (let i = 0; i < 8; i++) await trainer.step(x, y);
    const summary = trainer.summary();
    expect(summary.layers.map((l) => l.layerName)).toEqual([names[0], names[2]]);
    expect(summary.layers[0]!.density).toBeCloseTo(0.5, 2);
    const table = (await model.layers[0]!.getWeights()[0]!.data()) as Float32Array;
    trainer.masks()[0]!.forEach((m, j) => {
      if (m === 0) expect(Math.abs(table[j]!)).toBe(0);
    });
    // a lookup costs no FLOPs: only the dense layer counts
    expect(trainer.flops().denseInferencePerSample).toBe(2 * 32 * 4);
    tf.dispose([x, y]);
    trainer.dispose();
    byDefault.dispose();
  });
});
