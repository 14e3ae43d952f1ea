import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, loadTfjsModel, modelInputShape } from '../create-model.js';
import type { ModelDataShape } from '../model-context.js';

const dir = mkdtempSync(join(tmpdir(), 'topiary-user-model-'));
const tabular: ModelDataShape = { featureShape: [5], numClasses: 3, source: 'csv data train.csv' };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function smallModel(units = 3, activation: 'softmax' | 'linear' = 'softmax'): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 4, inputShape: [5], activation: 'relu' }));
  model.add(tfl.layers.dense({ units, activation }));
  return model;
}

/** Saves a model the way tfjs-node's file:// handler lays it out: model.json plus one weights.bin. */
async function saveToFolder(model: tfl.LayersModel, name: string, withWeights = true): Promise<string> {
  const path = join(dir, `${name}.json`);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json: Record<string, unknown> = { modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy };
      if (withWeights) {
        json['weightsManifest'] = [{ paths: [`${name}.weights.bin`], weights: artifacts.weightSpecs }];
        writeFileSync(join(dir, `${name}.weights.bin`), new Uint8Array(artifacts.weightData as ArrayBuffer));
      }
      writeFileSync(path, JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return path;
}

describe('tfjs model.json', () => {
  it('loads topology and weights saved by model.save', async () => {
    const original = smallModel();
    const path = await saveToFolder(original, 'with-weights');
    const loaded = await createModel({ kind: 'tfjs', path }, 0, tabular);
    const a = await Promise.all(original.getWeights().map((w) => w.data()));
    const b = await Promise.all(loaded.getWeights().map((w) => w.data()));
    expect(b).toEqual(a);
    expect(modelInputShape(loaded)).toEqual([5]);
    original.dispose();
    loaded.dispose();
  });

  it('loads a topology without weights, its unseeded initialisers seeded from the run seed', async () => {
    const path = await saveToFolder(smallModel(), 'topology', false);
    const first = async (seed: number): Promise<Float32Array> => {
      const model = await createModel({ kind: 'tfjs', path }, seed, tabular);
      expect(model.countParams()).toBe(5 * 4 + 4 + 4 * 3 + 3);
      const values = (await model.getWeights()[0]!.data()) as Float32Array;
      model.dispose();
      return values;
    };
    expect(await first(3)).toEqual(await first(3));
    expect(await first(3)).not.toEqual(await first(4));
  });

  it('names the file and the sizes when the weights do not match the manifest', async () => {
    const path = await saveToFolder(smallModel(), 'short');
    writeFileSync(join(dir, 'short.weights.bin'), new Uint8Array(8));
    await expect(loadTfjsModel(path)).rejects.toThrow(`${path}: weightsManifest[0] describes 156 bytes of weights, but its files short.weights.bin hold 8`);
    writeFileSync(join(dir, 'missing.json'), JSON.stringify({ modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['gone.bin'], weights: [] }] }));
    await expect(loadTfjsModel(join(dir, 'missing.json'))).rejects.toThrow(`${join(dir, 'gone.bin')}: weight file not found`);
    writeFileSync(join(dir, 'graph.json'), JSON.stringify({ format: 'graph-model', modelTopology: {} }));
    await expect(loadTfjsModel(join(dir, 'graph.json'))).rejects.toThrow(/graph.json: is a tfjs graph model.*tfjs_layers_model/);
  });

  it('refuses a model whose input or output does not fit the data, naming the file, both shapes and the fix', async () => {
    const path = await saveToFolder(smallModel(), 'fits');
    await expect(createModel({ kind: 'tfjs', path }, 0, { ...tabular, featureShape: [7] })).rejects.toThrow(
      `${path}: the model's input shape [5] does not take the examples of csv data train.csv, of shape [7] (7 values). Make the first layer take inputShape [7].`,
    );
    await expect(createModel({ kind: 'tfjs', path }, 0, { ...tabular, numClasses: 10 })).rejects.toThrow(
      `${path}: the model's output shape [null, 3] does not match the 10 classes of csv data train.csv, expected [null, 10]. End the model in a dense layer with units: 10`,
    );
    const logits = await saveToFolder(smallModel(3, 'linear'), 'logits');
    await expect(createModel({ kind: 'tfjs', path: logits }, 0, tabular)).rejects.toThrow(/logits.json: the model's last layer '.*' has activation "linear", expected 'softmax'/);
  });
});

describe('module models', () => {
  const builder = join(dir, 'my-model.mjs');
  writeFileSync(
    builder,
    `export default function build(options, seed, { tfl, data }) {
      const model = tfl.sequential();
      model.add(tfl.layers.dense({ units: options.hidden, inputShape: data.featureShape, activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
      model.add(tfl.layers.dense({ units: options.classes ?? data.numClasses, activation: 'softmax' }));
      return model;
    }
    export const notAFunction = 3;`,
  );

  it('calls the builder with options, seed and the bench\'s tfjs, seeded the same each time', async () => {
    const config = { kind: 'module' as const, path: builder, export: 'default', options: { hidden: 6 } };
    const a = await createModel(config, 7, tabular);
    const b = await createModel(config, 7, tabular);
    expect(a.countParams()).toBe(5 * 6 + 6 + 6 * 3 + 3);
    expect(await a.getWeights()[0]!.data()).toEqual(await b.getWeights()[0]!.data());
    a.dispose();
    b.dispose();
  });

  it('names the module and the export, and checks what the builder returns against the data', async () => {
    await expect(createModel({ kind: 'module', path: builder, export: 'notAFunction', options: {} }, 0, tabular)).rejects.toThrow(
      `${builder}: export 'notAFunction' is a number, expected a model builder`,
    );
    await expect(createModel({ kind: 'module', path: builder, export: 'default', options: { hidden: 2, classes: 4 } }, 0, tabular)).rejects.toThrow(
      `${builder}: the model's output shape [null, 4] does not match the 3 classes`,
    );
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, 'export default () => 42;');
    await expect(createModel({ kind: 'module', path: broken, export: 'default', options: {} }, 0, tabular)).rejects.toThrow(
      `${broken}: the builder 'default' returned number, expected a tfjs-layers model`,
    );
  });

  it('sizes the built-in MLP to the data and refuses LeNet-5 on non-image data', async () => {
    const mlp = await createModel({ kind: 'mlp', hidden: [8], activation: 'relu' }, 0, tabular);
    expect(mlp.countParams()).toBe(5 * 8 + 8 + 8 * 3 + 3);
    mlp.dispose();
    await expect(createModel({ kind: 'lenet-5', variant: 'same-28', activation: 'relu' }, 0, tabular)).rejects.toThrow(
      /model.kind: model.kind 'lenet-5' takes 28×28 images \(784 values per example\), but the data has 5/,
    );
  });
});
