import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { closedObject, flattenIssues } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createModel } from '../create-model.js';
import type { ModelDataShape } from '../model-context.js';
import { defineModel } from '../model-descriptor.js';
import { ModelRegistry } from '../model-registry.js';

const tabular: ModelDataShape = { featureShape: [4], numClasses: 3, source: 'lab:blobs data ./plugin.mjs' };

const tinyMlp = defineModel({
  kind: 'lab:tiny',
  doc: 'One hidden layer.',
  options: closedObject({ hidden: z.int().positive().default(8), outputs: z.int().positive().optional() }),
  build: ({ hidden, outputs }, seed, { tfl, data }) => {
    const model = tfl.sequential();
    model.add(tfl.layers.dense({ units: hidden, inputShape: [data.featureShape[0]!], activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
    model.add(tfl.layers.dense({ units: outputs ?? data.numClasses, activation: 'softmax' }));
    return model;
  },
});
const notAModel = defineModel({ kind: 'lab:none', doc: 'Returns nothing.', options: closedObject({}), build: () => 42 as never });
const models = ModelRegistry.builtin().with([tinyMlp, notAModel], './plugin.mjs');

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ModelRegistry', () => {
  it('keeps the built-in kinds and refuses one taken, naming both sources', () => {
    expect(models.kinds()).toEqual(['lenet-300-100', 'mlp', 'lenet-5', 'tfjs', 'module', 'lab:tiny', 'lab:none']);
    expect(models.get('mlp')).toBeUndefined();
    expect(models.get('lab:tiny')?.source).toBe('./plugin.mjs');
    expect(() => models.with([{ ...tinyMlp, kind: 'tfjs' }], './other.mjs')).toThrow('./other.mjs: model kind "tfjs" is already registered by built-in; give it another kind (e.g. "my-lab:tfjs")');
    expect(() => models.with([tinyMlp], './other.mjs')).toThrow('./other.mjs: model kind "lab:tiny" is already registered by ./plugin.mjs');
  });

  it('derives the JSON union of model configs: plugin kinds with their options beside the built-ins', () => {
    const schema = models.configSchema();
    expect(schema.parse({ kind: 'lab:tiny' })).toEqual({ kind: 'lab:tiny', hidden: 8 });
    expect(schema.parse({ kind: 'mlp' })).toMatchObject({ kind: 'mlp', hidden: [300, 100] });
    const issues = (value: unknown) => flattenIssues(schema.safeParse(value, { reportInput: true }).error!).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ kind: 'lab:tiny', hiden: 4 })).toEqual(['hiden: unknown key "hiden" (did you mean "hidden"?); allowed: kind, hidden, outputs']);
    expect(issues({ kind: 'lab:tinny' })[0]).toMatch(/^kind: must be one of .*"lab:tiny".*\(got "lab:tinny"\) \(did you mean "lab:tiny"\?\)$/);
    expect(ModelRegistry.builtin().configSchema().safeParse({ kind: 'lab:tiny' }).success).toBe(false);
  });
});

describe('createModel with a plugin model', () => {
  it('builds it from its options and seed, sized to the data', async () => {
    const model = await createModel({ kind: 'lab:tiny', hidden: 5 }, 1, tabular, models);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    expect(model.layers[0]!.getConfig()).toMatchObject({ units: 5 });
    model.dispose();
  });

  it('checks its options, what it returns and that it fits the data, naming the plugin and the model', async () => {
    await expect(createModel({ kind: 'lab:tiny', hidden: 0 }, 1, tabular, models)).rejects.toThrow('./plugin.mjs (model "lab:tiny"): model.hidden: Too small');
    await expect(createModel({ kind: 'lab:none' }, 1, tabular, models)).rejects.toThrow('./plugin.mjs (model "lab:none"): build() returned number, expected a tfjs-layers model');
    await expect(createModel({ kind: 'lab:tiny', outputs: 10 }, 1, tabular, models)).rejects.toThrow(
      "./plugin.mjs (model \"lab:tiny\"): the model's output shape [null, 10] does not match the 3 classes of lab:blobs data ./plugin.mjs, expected [null, 3]",
    );
    await expect(createModel({ kind: 'lab:tiny' }, 1, tabular)).rejects.toThrow('model.kind: unknown model kind "lab:tiny". Name a built-in model, or load the plugin that provides it');
  });
});
