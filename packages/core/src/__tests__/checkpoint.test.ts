import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../checkpoint.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { referenceStrategies } from '../testing/reference-strategies.js';
import { SparseTrainer } from '../trainer.js';
import type { SparseStrategy } from '../types.js';
import { TEST_OPTIMIZERS, testRigl } from './trainer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** RigL-like, updates every 3 steps from step 0: k = 3, 6, 9, 12 are update steps. */
const rigl = (every = 3): SparseStrategy => testRigl(every);

const OPTIMIZERS: Record<string, () => tf.Optimizer> = TEST_OPTIMIZERS;

const small = { hidden: [12, 8] };
const make = (optimizer: tf.Optimizer, strategy: SparseStrategy = rigl()): SparseTrainer =>
  new SparseTrainer(tinyMlp(small), { strategy, optimizer, loss: 'categoricalCrossentropy', onWarning: () => undefined });

const batches = syntheticBatches({ count: 16, batchSize: 16 });

async function train(trainer: SparseTrainer, from: number, to: number, onStep?: (k: number) => Promise<void>): Promise<void> {
  for (let i = from; i < to; i++) {
    const { x, y } = toTensors(batches[i % batches.length]!);
    await trainer.step(x, y);
    tf.dispose([x, y]);
    await onStep?.(i + 1);
  }
}

const bits = (values: tf.TypedArray): number[] => Array.from(new Uint32Array(Float32Array.from(values as Float32Array).buffer));

/** Everything a load may change, as plain values (bit patterns for floats). */
async function snapshot(trainer: SparseTrainer): Promise<unknown> {
  const weights = await Promise.all(trainer.model.weights.map(async (w) => bits(await w.read().data())));
  const slots = await trainer.optimizer.getWeights();
  // names carry tfjs's process-wide layer counter, so compare them without the layer part
  const optimizer = await Promise.all(slots.map(async ({ name, tensor }) => [name.split('/').slice(1).join('/'), bits(await tensor.data())]));
  tf.dispose(slots.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
  const hidden = trainer.optimizer as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  const internals = trainer as unknown as { rng: { getState(): number[] }; momentum?: tf.Variable[] };
  return {
    step: trainer.stepCount,
    masks: trainer.masks(),
    weights,
    optimizer,
    accBeta: hidden.accBeta1 ? [bits(await hidden.accBeta1.data()), bits(await hidden.accBeta2!.data())] : undefined,
    rng: internals.rng.getState(),
    momentum: internals.momentum ? await Promise.all(internals.momentum.map(async (m) => bits(await m.data()))) : undefined,
    flops: trainer.flops(),
    summary: { ...trainer.summary(), layers: trainer.summary().layers.map(({ size, active }) => ({ size, active })) },
  };
}

type Manifest = Record<string, unknown> & { optimizer: Record<string, unknown>; tensors: Record<string, unknown>[]; layers?: unknown };
const edit = (checkpoint: Checkpoint, change: (m: Manifest) => void): Checkpoint => {
  const manifest = JSON.parse(JSON.stringify(checkpoint.manifest)) as Manifest;
  change(manifest);
  return { manifest: manifest as unknown as Checkpoint['manifest'], data: checkpoint.data };
};
/** Overwrites element `index` of float32 tensor `key` in a copy of the data. */
const poison = (checkpoint: Checkpoint, key: string, value: number, index = 0): Checkpoint => {
  const entry = checkpoint.manifest.tensors.find((e) => e.key === key)!;
  const data = checkpoint.data.slice();
  new DataView(data.buffer).setFloat32(entry.offset + 4 * index, value, true);
  return { manifest: checkpoint.manifest, data };
};

describe('checkpoints', () => {
  it('a refused load leaves weights, masks, step, generator, optimizer state and counters exactly as they were', async () => {
    const adamSource = make(OPTIMIZERS.adam!());
    await train(adamSource, 0, 5);
    const adam = await adamSource.saveCheckpoint();
    const momentumSource = make(OPTIMIZERS.momentum!());
    await train(momentumSource, 0, 5);
    const momentum = await momentumSource.saveCheckpoint();
    const sgdSource = make(OPTIMIZERS.sgd!());
    await train(sgdSource, 0, 5);
    const sgd = await sgdSource.saveCheckpoint();

    const key = (c: Checkpoint, prefix: string) => c.manifest.tensors.find((e) => e.key.startsWith(prefix))!.key;
    const cases: { name: string; into: 'adam' | 'sgd' | 'momentum'; checkpoint: Checkpoint; error: RegExp }[] = [
      { name: 'Adam into SGD', into: 'sgd', checkpoint: adam, error: /checkpoint optimizer is Adam \(slots m, v\) but this trainer's optimizer is SGD \(no slots\)/ },
      { name: 'momentum into Adam', into: 'adam', checkpoint: momentum, error: /checkpoint optimizer is Momentum \(slots momentum\) but this trainer's optimizer is Adam \(slots m, v\)/ },
      { name: 'Adam into momentum', into: 'momentum', checkpoint: adam, error: /Adam \(slots m, v\) but this trainer's optimizer is Momentum/ },
      { name: 'SGD into Adam', into: 'adam', checkpoint: sgd, error: /SGD \(no slots\) but this trainer's optimizer is Adam/ },
      { name: 'rngState of non-numbers', into: 'adam', checkpoint: edit(adam, (m) => (m['rngState'] = ['a', 'b', 'c', 'd'])), error: /manifest\.rngState\[0\] must be a 32-bit integer \(got "a"\)/ },
      { name: 'rngState of 3', into: 'adam', checkpoint: edit(adam, (m) => (m['rngState'] = [1, 2, 3])), error: /manifest\.rngState must be an array of 4 integers \(got \[1,2,3\]\)/ },
      { name: 'rngState fractional', into: 'adam', checkpoint: edit(adam, (m) => (m['rngState'] = [1, 2, 3, 0.5])), error: /manifest\.rngState\[3\] must be a 32-bit integer \(got 0\.5\)/ },
      { name: 'negative step', into: 'adam', checkpoint: edit(adam, (m) => (m['step'] = -1)), error: /manifest\.step must be a non-negative integer \(got -1\)/ },
      { name: 'step as a string', into: 'adam', checkpoint: edit(adam, (m) => (m['step'] = '5')), error: /manifest\.step must be a non-negative integer \(got "5"\)/ },
      { name: 'flops null', into: 'adam', checkpoint: edit(adam, (m) => ((m['flops'] as Record<string, unknown>)['training'] = null)), error: /manifest\.flops\.training must be a finite number ≥ 0 \(got null\)/ },
      { name: 'version 1', into: 'adam', checkpoint: edit(adam, (m) => (m['version'] = 1)), error: /version is 1, written before checkpoints recorded the optimizer kind/ },
      { name: 'tensors not an array', into: 'adam', checkpoint: edit(adam, (m) => ((m as Record<string, unknown>)['tensors'] = {})), error: /manifest\.tensors must be an array \(got \{\}\)/ },
      { name: 'layers missing', into: 'adam', checkpoint: edit(adam, (m) => delete m['layers']), error: /manifest\.layers must be an array \(got undefined\)/ },
      { name: 'optimizer missing', into: 'adam', checkpoint: edit(adam, (m) => delete (m as Record<string, unknown>)['optimizer']), error: /manifest\.optimizer must be an object \(got undefined\)/ },
      { name: 'a bad dtype', into: 'adam', checkpoint: edit(adam, (m) => (m.tensors[0]!['dtype'] = 'float64')), error: /manifest\.tensors\[0\]\.dtype must be one of float32, int32, uint8 \(got "float64"\)/ },
      { name: 'a duplicate key', into: 'adam', checkpoint: edit(adam, (m) => (m.tensors[1]!['key'] = m.tensors[0]!['key'])), error: /manifest\.tensors\[1\]\.key must be unique/ },
      { name: 'a missing slot tensor', into: 'adam', checkpoint: edit(adam, (m) => (m.tensors = m.tensors.filter((t) => t['key'] !== 'optimizer/3'))), error: /missing tensor optimizer\/3 \(optimizer slot \/m of/ },
      { name: 'a missing accBeta', into: 'adam', checkpoint: edit(adam, (m) => (m.tensors = m.tensors.filter((t) => t['key'] !== 'optimizerHidden/accBeta2'))), error: /missing tensor optimizerHidden\/accBeta2/ },
      { name: 'slots in the wrong order', into: 'adam', checkpoint: edit(adam, (m) => ((m.optimizer['entries'] as Record<string, unknown>[])[1]!['suffix'] = '/v')), error: /optimizer entry 1 is slot "\/v" of trainable weight 0, but Adam lists slot "\/m" of trainable weight 0 there/ },
      { name: 'a slot count mismatch', into: 'adam', checkpoint: edit(adam, (m) => (m.optimizer['entries'] = (m.optimizer['entries'] as unknown[]).slice(0, 4))), error: /optimizer state has 4 entries but Adam \(slots m, v\) over 6 trainable weights has 1 or 13/ },
      { name: 'truncated data', into: 'adam', checkpoint: { ...adam, data: adam.data.slice(0, 200) }, error: /truncated or corrupt/ },
      { name: 'data not bytes', into: 'adam', checkpoint: { ...adam, data: [1, 2, 3] as unknown as Uint8Array }, error: /checkpoint data must be a Uint8Array \(got "object"\)/ },
      { name: 'not an object', into: 'adam', checkpoint: null as unknown as Checkpoint, error: /^checkpoint must be an object \{ manifest, data \} \(got null\)$/ },
      { name: 'no manifest', into: 'adam', checkpoint: { data: adam.data } as unknown as Checkpoint, error: /checkpoint manifest must be an object \(got undefined\)/ },
      { name: 'a NaN weight', into: 'adam', checkpoint: poison(adam, 'weight/2', NaN), error: /weight\/2 \(model weight .*\) holds NaN at index 0; non-finite state is refused \(pass \{ allowNonFinite: true \}/ },
      { name: 'an Inf slot', into: 'adam', checkpoint: poison(adam, 'optimizer/8', Infinity, 3), error: /optimizer\/8 \(optimizer slot \/v of .*\) holds Infinity at index 3/ },
      { name: 'a NaN accBeta', into: 'adam', checkpoint: poison(adam, 'optimizerHidden/accBeta1', NaN), error: /optimizerHidden\/accBeta1 \(optimizer accBeta1\) must be finite \(got NaN\)/ },
      { name: 'a mask of 2s', into: 'adam', checkpoint: (() => { const data = adam.data.slice(); data[adam.manifest.tensors.find((e) => e.key === 'mask/0')!.offset] = 2; return { ...adam, data }; })(), error: /mask\/0 holds values other than 0 and 1/ },
      { name: 'a mask count mismatch', into: 'adam', checkpoint: edit(adam, (m) => ((m['layers'] as Record<string, unknown>[])[0]!['active'] = 1)), error: /mask\/0 has \d+ active weights but its manifest says 1/ },
    ];
    expect(key(adam, 'optimizerHidden')).toBe('optimizerHidden/accBeta1');

    const targets = { adam: make(OPTIMIZERS.adam!()), sgd: make(OPTIMIZERS.sgd!()), momentum: make(OPTIMIZERS.momentum!()) };
    for (const t of Object.values(targets)) await train(t, 0, 4);
    for (const c of cases) {
      const target = targets[c.into];
      const before = await snapshot(target);
      const tensors = tf.memory().numTensors;
      const error = await target.loadCheckpoint(c.checkpoint).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, c.name).toBeInstanceOf(Error);
      expect(error, c.name).not.toBeInstanceOf(TypeError);
      expect((error as Error).message, c.name).toMatch(c.error);
      expect(await snapshot(target), c.name).toEqual(before);
      expect(tf.memory().numTensors, c.name).toBe(tensors);
    }
    // the same checkpoint loads into the matching trainer, and a NaN one with allowNonFinite
    await expect(targets.adam.loadCheckpoint(adam)).resolves.toBeUndefined();
    await expect(targets.adam.loadCheckpoint(poison(adam, 'weight/1', NaN), { allowNonFinite: true })).resolves.toBeUndefined();
    await expect(targets.adam.loadCheckpoint(adam, { allowNonFinite: 'yes' as never })).rejects.toThrow(/allowNonFinite must be a boolean, got "yes"/);
    [adamSource, momentumSource, sgdSource, ...Object.values(targets)].forEach((t) => t.dispose());
  });

  it('truncated or corrupted checkpoint bytes give an Error that says what is wrong, never a TypeError, and change nothing', async () => {
    const source = make(OPTIMIZERS.momentum!());
    await train(source, 0, 4);
    const bytes = encodeCheckpoint(await source.saveCheckpoint());
    const manifestLength = new DataView(bytes.buffer).getUint32(0, true);
    const target = make(OPTIMIZERS.momentum!());
    await train(target, 0, 2);
    const own = await target.saveCheckpoint();
    const before = await snapshot(target);
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ cut: fc.integer({ min: 0, max: bytes.byteLength - 1 }) }),
          fc.record({ at: fc.integer({ min: 0, max: 4 + manifestLength - 1 }), byte: fc.integer({ min: 0, max: 255 }) }),
        ),
        async (damage) => {
          let damaged: Uint8Array;
          if ('cut' in damage) damaged = bytes.slice(0, damage.cut);
          else {
            damaged = bytes.slice();
            damaged[damage.at] = damage.byte;
          }
          try {
            await target.loadCheckpoint(decodeCheckpoint(damaged));
          } catch (error) {
            refused++;
            expect(error).toBeInstanceOf(Error);
            expect(error).not.toBeInstanceOf(TypeError);
            expect((error as Error).message).toMatch(/checkpoint/);
            expect(await snapshot(target)).toEqual(before);
            return;
          }
          // a harmless change (a byte of a layer name) may load; put the trainer back
          await target.loadCheckpoint(own);
          expect(await snapshot(target)).toEqual(before);
        },
      ),
      { numRuns: 40, seed: 11 },
    );
    expect(refused).toBeGreaterThan(20);
    expect(() => decodeCheckpoint('nope' as never)).toThrow(/checkpoint bytes must be a Uint8Array \(got string\)/);
    source.dispose();
    target.dispose();
  });

  it('leaks nothing over 100 save/load cycles (momentum, Adam, SNFS) and dispose() gives every trainer tensor back', async () => {
    const snfs = referenceStrategies['momentum growth with redistribution (SNFS-like)']!.create({ totalSteps: 40, updateEvery: 3, sparsity: 0.8 });
    for (const [label, optimizer, strategy] of [
      ['momentum', OPTIMIZERS.momentum!(), rigl()],
      ['adam', OPTIMIZERS.adam!(), rigl()],
      ['snfs + momentum', OPTIMIZERS.momentum!(), snfs],
    ] as const) {
      const model = tinyMlp(small);
      const start = tf.memory().numTensors;
      const trainer = new SparseTrainer(model, { strategy, optimizer, loss: 'categoricalCrossentropy' });
      await train(trainer, 0, 4);
      const checkpoint = await trainer.saveCheckpoint();
      await trainer.loadCheckpoint(checkpoint);
      const steady = tf.memory().numTensors;
      for (let i = 0; i < 100; i++) await trainer.loadCheckpoint(i % 2 === 0 ? checkpoint : await trainer.saveCheckpoint());
      expect(tf.memory().numTensors, label).toBe(steady);
      await train(trainer, 4, 6);
      expect(tf.memory().numTensors, label).toBe(steady);
      const state = await optimizer.getWeights();
      const slots = state.filter((w) => w.tensor instanceof tf.Variable).length;
      tf.dispose(state.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
      trainer.dispose();
      // what is left is the caller's: the model's weights (counted in start) and the optimizer's slots
      expect(tf.memory().numTensors, `${label}: after dispose`).toBe(start + slots);
      optimizer.dispose();
      model.layers.forEach((l) => l.dispose());
    }
  });

  for (const [label, createOptimizer] of Object.entries(OPTIMIZERS)) {
    it(`resumes ${label} bit-identically from every step k = 1…13, on and around mask updates (k = 3, 6, 9, 12)`, async () => {
      const total = 14;
      const reference = make(createOptimizer());
      const saved = new Map<number, Uint8Array>();
      await train(reference, 0, total, async (k) => {
        if (k < total) saved.set(k, encodeCheckpoint(await reference.saveCheckpoint()));
      });
      const expected = await snapshot(reference);
      for (const [k, bytes] of saved) {
        const optimizer = createOptimizer();
        const resumed = make(optimizer);
        await resumed.loadCheckpoint(decodeCheckpoint(bytes));
        expect(resumed.stepCount).toBe(k);
        await train(resumed, k, total);
        expect(await snapshot(resumed), `${label} resumed at k = ${k}`).toEqual(expected);
        resumed.dispose();
        optimizer.dispose();
      }
      reference.dispose();
    });
  }
});

