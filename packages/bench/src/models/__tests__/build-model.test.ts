import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../build-model.js';
import { modelConfigSchema, type ModelConfig } from '../model-config.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function weightValues(config: ModelConfig, seed: number): Promise<Float32Array[]> {
  const model = buildModel(config, seed);
  const values = await Promise.all(model.getWeights().map((w) => w.data() as Promise<Float32Array>));
  model.dispose();
  return values;
}

describe('buildModel', () => {
  it('LeNet-300-100 has 784-300-100-10 dense layers and 266,610 parameters', () => {
    const model = buildModel({ kind: 'lenet-300-100' }, 0);
    expect(model.countParams()).toBe(266_610);
    expect(model.layers.map((l) => l.name)).toEqual(['fc1', 'fc2', 'output']);
    expect(model.getWeights().map((w) => w.shape)).toEqual([[784, 300], [300], [300, 100], [100], [100, 10], [10]]);
    model.dispose();
  });

  it('the MLP follows its hidden sizes and activation', () => {
    const model = buildModel(modelConfigSchema.parse({ kind: 'mlp', hidden: [50], activation: 'tanh' }), 0);
    expect(model.countParams()).toBe(784 * 50 + 50 + 50 * 10 + 10);
    expect((model.layers[0]!.getConfig() as { activation: string }).activation).toBe('tanh');
    model.dispose();
  });

  it.each(['same-28', 'classic-32'] as const)('LeNet-5 (%s) has 61,706 parameters and maps [n, 784] to a softmax over 10', async (variant) => {
    const model = buildModel({ kind: 'lenet-5', variant, activation: 'relu' }, 1);
    expect(model.countParams()).toBe(61_706);
    const shapeOf = (name: string) => model.getLayer(name).outputShape;
    expect(shapeOf('conv1')).toEqual([null, 28, 28, 6]);
    expect(shapeOf('pool2')).toEqual([null, 5, 5, 16]);
    const x = tf.randomUniform([3, 784], 0, 1, 'float32', 5);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 10]);
    const sumTensor = tf.sum(y, 1);
    const sums = await sumTensor.data();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    tf.dispose([x, y, sumTensor]);
    model.dispose();
  });

  it('gives identical weights for the same seed and different ones for another seed', async () => {
    for (const config of [{ kind: 'lenet-300-100' }, { kind: 'lenet-5', variant: 'same-28', activation: 'relu' }] as const) {
      const a = await weightValues(config, 42);
      const b = await weightValues(config, 42);
      const c = await weightValues(config, 43);
      expect(a).toEqual(b);
      expect(a[0]).not.toEqual(c[0]);
    }
  });

  it('leaves no tensors behind once the model is disposed', () => {
    const before = tf.memory().numTensors;
    buildModel({ kind: 'lenet-300-100' }, 3).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a non-integer seed and empty hidden sizes', () => {
    expect(() => buildModel({ kind: 'lenet-300-100' }, 0.5)).toThrow(/seed must be an integer, got 0.5/);
    expect(() => buildModel({ kind: 'mlp', hidden: [], activation: 'relu' }, 0)).toThrow(/model.hidden must list at least one/);
  });
});
