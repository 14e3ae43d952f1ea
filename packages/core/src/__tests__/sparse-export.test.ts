import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { randomMask } from '../selection.js';
import {
  decodeSparseModel,
  encodeSparseModel,
  exportSparseModel,
  loadSparseModel,
  sparseModelToArtifacts,
  type SparseModelArtifact,
  type SparseModelManifest,
} from '../sparse-export.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { SparseTrainer } from '../trainer.js';
import type { SparseStrategy } from '../types.js';
import { testRigl } from './trainer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rigl: SparseStrategy = testRigl(3);

const bits = async (t: tf.Tensor): Promise<number[]> => Array.from(new Uint32Array(Float32Array.from((await t.data()) as Float32Array).buffer));
const weightBits = (model: tfl.LayersModel): Promise<number[][]> => Promise.all(model.weights.map((w) => bits(w.read())));

/** Zeroes each kernel outside a random mask of the given density (with `where`, so inactive weights are +0). */
function applyRandomMasks(model: tfl.LayersModel, density: number, seed: number): Record<string, Uint8Array> {
  const rng = Rng.fromSeed(seed);
  const masks: Record<string, Uint8Array> = {};
  for (const w of model.weights.filter((v) => v.originalName.endsWith('/kernel'))) {
    const v = w.read() as tf.Variable;
    const mask = randomMask(v.size, Math.round(v.size * density), () => rng.float());
    masks[w.name] = mask;
    tf.tidy(() => v.assign(tf.where(tf.tensor(mask, v.shape, 'bool'), v, tf.zerosLike(v))));
  }
  return masks;
}

/** Runs `fn` and returns the Error it throws, checking that it is a plain Error (never a TypeError). */
async function errorOf(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor).toBe(Error);
    return error as Error;
  }
  throw new Error('expected an Error');
}

describe('exportSparseModel / loadSparseModel', () => {
  it('round-trips an MLP trained with SparseTrainer: same weights bit for bit, same predictions, no leaked tensors', async () => {
    const trainer = new SparseTrainer(tinyMlp({ hidden: [24, 16] }), { strategy: rigl, optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', seed: 3, onWarning: () => undefined });
    for (const batch of syntheticBatches({ count: 7, batchSize: 16 })) {
      const { x, y } = toTensors(batch);
      await trainer.step(x, y);
      tf.dispose([x, y]);
    }
    const before = tf.memory().numTensors;
    const artifact = await exportSparseModel(trainer);
    expect(tf.memory().numTensors).toBe(before);
    const summary = trainer.summary();
    // kernels at density 0.2 take a bitmap; biases stay dense unless training left them mostly zero
    summary.layers.forEach((l, i) => {
      expect(artifact.manifest.weights[2 * i]).toMatchObject({ name: trainer.model.weights[2 * i]!.originalName, encoding: 'bitmap' });
      expect(artifact.manifest.weights[2 * i]!.count).toBeLessThanOrEqual(l.active);
    });

    const loaded = await loadSparseModel(decodeSparseModel(encodeSparseModel(artifact)));
    expect(await weightBits(loaded)).toEqual(await weightBits(trainer.model));
    const { x } = toTensors(syntheticBatches({ count: 1, batchSize: 8, seed: 11 })[0]!);
    const [a, b] = [trainer.model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(await bits(b)).toEqual(await bits(a));
    tf.dispose([x, a, b]);
    loaded.dispose();
    trainer.dispose();
  });

  it('survives JSON for the manifest and keeps −0 and active zeros exactly', async () => {
    const model = tinyMlp({ inputs: 4, hidden: [6], classes: 2 });
    const kernel = model.weights[0]!.read() as tf.Variable;
    const values = new Float32Array(kernel.size);
    values[1] = -0;
    values[5] = 1.5;
    values[23] = -2.25e-30;
    kernel.assign(tf.tensor(values, kernel.shape));
    const artifact = await exportSparseModel(model);
    const copy: SparseModelArtifact = { manifest: JSON.parse(JSON.stringify(artifact.manifest)) as SparseModelManifest, data: artifact.data.slice() };
    expect(copy.manifest.weights[0]).toMatchObject({ encoding: 'delta-varint', count: 3 });
    const loaded = await loadSparseModel(copy);
    expect(await weightBits(loaded)).toEqual(await weightBits(model));
    expect(Object.is((await loaded.weights[0]!.read().data())[1], -0)).toBe(true);
    loaded.dispose();
    model.dispose();
  });

  it('round-trips a small convolutional model with masks given by name', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 2], filters: 6, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }),
      ],
    });
    const masks = applyRandomMasks(model, 0.25, 9);
    const artifact = await exportSparseModel(model, { masks });
    expect(artifact.manifest.weights.map((w) => [w.encoding, w.count])).toEqual([
      ['bitmap', 27],
      ['delta-varint', 0], // the untrained zero biases cost no bytes at all
      ['bitmap', 162],
      ['delta-varint', 0],
    ]);
    const loaded = await loadSparseModel(artifact);
    expect(await weightBits(loaded)).toEqual(await weightBits(model));
    const x = tf.randomUniform([2, 8, 8, 2], -1, 1, 'float32', 4);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(await bits(b)).toEqual(await bits(a));
    tf.dispose([x, a, b]);
    loaded.dispose();
    model.dispose();
  });

  it('is smaller than the dense model.json and weights by a wide margin for LeNet-300-100 at 90% and 98% sparsity', async () => {
    for (const [sparsity, factor] of [
      [0.9, 6],
      [0.98, 20],
    ] as const) {
      const model = tinyMlp({ inputs: 784, hidden: [300, 100], classes: 10, seed: 2 });
      applyRandomMasks(model, 1 - sparsity, 1);
      const sparse = encodeSparseModel(await exportSparseModel(model)).byteLength;
      let dense = 0;
      await model.save(
        tf.io.withSaveHandler(async (a) => {
          dense = JSON.stringify({ modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }).length + (a.weightData as ArrayBuffer).byteLength;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      expect(dense / sparse).toBeGreaterThan(factor);
      model.dispose();
    }
  });
});

describe('validation', () => {
  let artifact: SparseModelArtifact;
  let model: tfl.LayersModel;
  beforeAll(async () => {
    model = tinyMlp({ inputs: 8, hidden: [40], classes: 3 });
    applyRandomMasks(model, 0.05, 2);
    (model.weights[1]!.read() as tf.Variable).assign(tf.fill([40], 0.5)); // a dense bias
    artifact = await exportSparseModel(model);
    expect(artifact.manifest.weights[0]!.encoding).toBe('delta-varint');
  });
  const withManifest = (edit: (m: Record<string, unknown> & { weights: Record<string, unknown>[] }) => void, data = artifact.data): SparseModelArtifact => {
    const m = JSON.parse(JSON.stringify(artifact.manifest)) as Record<string, unknown> & { weights: Record<string, unknown>[] };
    edit(m);
    return { manifest: m as unknown as SparseModelManifest, data };
  };

  it('refuses a wrong format, version, encoding or count, naming the field and the value', async () => {
    expect((await errorOf(() => loadSparseModel(withManifest((m) => (m['format'] = 'topiary-checkpoint'))))).message).toBe(
      `sparse model manifest.format must be 'topiary-sparse-model' (got "topiary-checkpoint")`,
    );
    expect((await errorOf(() => loadSparseModel(withManifest((m) => (m['version'] = 2))))).message).toMatch(/manifest\.version must be 1 .*\(got 2\)/);
    expect((await errorOf(() => loadSparseModel(withManifest((m) => (m.weights[0]!['encoding'] = 'csr'))))).message).toMatch(/manifest\.weights\[0\]\.encoding must be one of dense, bitmap, delta-varint \(got "csr"\)/);
    expect((await errorOf(() => loadSparseModel(withManifest((m) => (m.weights[1]!['count'] = 7))))).message).toMatch(/manifest\.weights\[1\]\.count must be 40 \(the size of shape \[40\]\) for a dense weight \(got 7\)/);
    expect((await errorOf(() => loadSparseModel(withManifest((m) => (m.weights[0]!['count'] = 1000))))).message).toMatch(/manifest\.weights\[0\]\.count must be at most 320/);
    expect((await errorOf(() => loadSparseModel(withManifest((m) => (m.weights[0]!['count'] = 15))))).message).toMatch(/manifest\.weights\[0\]\.values\.byteLength must be 60/);
    expect((await errorOf(() => loadSparseModel(withManifest((m) => delete m.weights[0]!['shape'])))).message).toMatch(/manifest\.weights\[0\]\.shape must be an array/);
    expect((await errorOf(() => loadSparseModel({ manifest: artifact.manifest } as SparseModelArtifact))).message).toMatch(/sparse model data must be a Uint8Array \(got "undefined"\)/);
    expect((await errorOf(() => loadSparseModel(null as unknown as SparseModelArtifact))).message).toMatch(/must be an object/);
  });

  it('refuses truncated or corrupted data', async () => {
    expect((await errorOf(() => loadSparseModel({ manifest: artifact.manifest, data: artifact.data.subarray(0, artifact.data.byteLength - 3) }))).message).toMatch(/data is truncated: \d+ bytes, the manifest's sections need \d+/);
    const first = artifact.manifest.weights[0]!.indices!;
    const data = artifact.data.slice();
    data[first.offset] = 0xff; // position 0 becomes a varint that continues into the next one
    data[first.offset + 1] = 0xff;
    const message = (await errorOf(() => loadSparseModel({ manifest: artifact.manifest, data }))).message;
    expect(message).toMatch(/manifest\.weights\[0\] \(.*kernel\) delta varint/);
    const bytes = encodeSparseModel(artifact);
    expect((await errorOf(() => decodeSparseModel(bytes.subarray(0, 10)))).message).toMatch(/bytes are truncated: manifest of \d+ bytes announced, 6 present/);
    const badJson = bytes.slice();
    badJson[4] = 0x7b + 1;
    expect((await errorOf(() => decodeSparseModel(badJson))).message).toMatch(/manifest is not valid JSON/);
  });

  it('refuses a topology that does not fit the weights', async () => {
    const other = tinyMlp({ inputs: 8, hidden: [41], classes: 3 });
    const mismatched = withManifest((m) => (m['modelTopology'] = other.toJSON(null, false)));
    expect((await errorOf(() => loadSparseModel(mismatched))).message).toMatch(/sparse model does not load into tfjs-layers/);
    other.dispose();
  });

  it('exportSparseModel refuses masks that do not match the model', async () => {
    const kernel = model.weights[0]!;
    const wrong = new Uint8Array(kernel.read().size);
    expect((await errorOf(() => exportSparseModel(model, { masks: { [kernel.name]: wrong } }))).message).toMatch(/holds .* at position \d+, which its mask marks inactive/);
    expect((await errorOf(() => exportSparseModel(model, { masks: { [kernel.name]: new Uint8Array(3) } }))).message).toMatch(/must be a Uint8Array of 320 elements/);
    expect((await errorOf(() => exportSparseModel(model, { masks: { [`${kernel.name}x`]: wrong } }))).message).toMatch(/masks name no weight of the model: unknown key .*did you mean/);
    expect((await errorOf(() => exportSparseModel(model, { mask: {} } as never))).message).toMatch(/unknown key "mask" \(did you mean "masks"\?\)/);
  });

  it('sparseModelToArtifacts gives tfjs model artifacts with zeros at the positions not stored', () => {
    const dense = sparseModelToArtifacts(artifact);
    expect(dense.weightSpecs!.map((s) => s.name)).toEqual(model.weights.map((w) => w.originalName));
    const values = new Float32Array(dense.weightData as ArrayBuffer, 0, 320);
    expect(values.filter((v) => v !== 0).length).toBe(artifact.manifest.weights[0]!.count);
  });
});
