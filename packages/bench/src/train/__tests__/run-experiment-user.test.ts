import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '../../data/idx.js';
import { encodeNpy } from '../../data/npy.js';
import { parseRunConfig } from '../config.js';
import { runExperiment } from '../run-experiment.js';

const dir = mkdtempSync(join(tmpdir(), 'topiary-user-run-'));

/** 8×8 images of a bright row (class 0), column (1) or diagonal (2), with seeded noise. */
function shapes(count: number, seed: number): { x: Uint8Array; y: Uint8Array } {
  const x = new Uint8Array(count * 64);
  const y = new Uint8Array(count);
  let state = seed;
  const noise = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) % 40);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    const at = (i * 5) % 8;
    y[i] = label;
    for (let p = 0; p < 64; p++) {
      const r = Math.floor(p / 8);
      const c = p % 8;
      const on = label === 0 ? r === at : label === 1 ? c === at : r === c;
      x[i * 64 + p] = on ? 215 + noise() : noise();
    }
  }
  return { x, y };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('runExperiment on user data and models', () => {
  it('trains a module CNN on an IDX folder, its batches shaped to the model\'s [8, 8, 1] input', async () => {
    const data = join(dir, 'idx');
    mkdirSync(data);
    const train = shapes(240, 1);
    const test = shapes(60, 2);
    writeFileSync(join(data, 'train-images-idx3-ubyte'), encodeIdx([240, 8, 8], train.x));
    writeFileSync(join(data, 'train-labels-idx1-ubyte'), encodeIdx([240], train.y));
    writeFileSync(join(data, 't10k-images-idx3-ubyte'), encodeIdx([60, 8, 8], test.x));
    writeFileSync(join(data, 't10k-labels-idx1-ubyte'), encodeIdx([60], test.y));
    const module = join(dir, 'cnn.mjs');
    writeFileSync(
      module,
      `export default (options, seed, { tfl, data }) => {
        const model = tfl.sequential();
        model.add(tfl.layers.conv2d({ name: 'conv', inputShape: [...data.featureShape, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
        model.add(tfl.layers.flatten());
        model.add(tfl.layers.dense({ name: 'out', units: data.numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }));
        return model;
      };`,
    );
    const before = tf.memory().numTensors;
    const result = await runExperiment(
      parseRunConfig({
        data: { dataset: 'idx', dir: data },
        model: { kind: 'module', path: module },
        training: { epochs: 3, batchSize: 24, learningRate: 0.05 },
        algorithm: { method: 'set', sparsity: 0.5, updateEvery: 5 },
      }),
      { useActiveBackend: true },
    );
    expect(result.data).toMatchObject({ name: 'idx', featureShape: [8, 8], numClasses: 3, trainUsed: 240, testUsed: 60 });
    expect(result.testAccuracy).toBeGreaterThan(0.6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains a tfjs model.json on an .npz archive of float features', async () => {
    const model = tfl.sequential();
    model.add(tfl.layers.dense({ units: 16, inputShape: [64], activation: 'relu' }));
    model.add(tfl.layers.dense({ units: 3, activation: 'softmax' }));
    const path = join(dir, 'model.json');
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        writeFileSync(path, JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }));
        writeFileSync(join(dir, 'weights.bin'), new Uint8Array(artifacts.weightData as ArrayBuffer));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    model.dispose();
    const train = shapes(240, 3);
    const test = shapes(60, 4);
    const npz = join(dir, 'shapes.npz');
    writeFileSync(
      npz,
      zipSync({
        'x_train.npy': encodeNpy([240, 64], Float32Array.from(train.x, (v) => v / 255)),
        'y_train.npy': encodeNpy([240], Int32Array.from(train.y)),
        'x_test.npy': encodeNpy([60, 64], Float32Array.from(test.x, (v) => v / 255)),
        'y_test.npy': encodeNpy([60], Int32Array.from(test.y)),
      }),
    );
    const result = await runExperiment(
      parseRunConfig({
        data: { dataset: 'npz', path: npz, normalize: 'standardize' },
        model: { kind: 'tfjs', path },
        training: { epochs: 3, batchSize: 24, learningRate: 0.05 },
        algorithm: { method: 'rigl', sparsity: 0.5, updateEvery: 5 },
      }),
      { useActiveBackend: true },
    );
    expect(result.data).toMatchObject({ name: 'npz', featureShape: [64], numClasses: 3, normalize: 'standardize' });
    expect(result.testAccuracy).toBeGreaterThan(0.6);
  });
});
