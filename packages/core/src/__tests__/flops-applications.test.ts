import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitCallback } from '../fit-callback.js';
import { findKernelLayers } from '../layers.js';
import { SparseTrainer } from '../trainer.js';
import { uniformTest } from '../testing/reference-strategies.js';
import type { SparseStrategy } from '../types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const denseFlops = (nIn: number, nOut: number): number => nIn * nOut + (nIn - 1) * nOut + nOut;
const staticSparse: SparseStrategy = { name: 'static', sparsity: 0.5, distribution: uniformTest, init: { kind: 'random' } };

describe('FLOPs per application', () => {
  it('counts a shared layer once per call in a functional model, also inside a nested model called twice', () => {
    const input = tfl.input({ shape: [8] });
    const shared = tfl.layers.dense({ units: 8 });
    const head = tfl.layers.dense({ units: 2 });
    const model = tfl.model({ inputs: input, outputs: head.apply(shared.apply(shared.apply(input))) as tfl.SymbolicTensor });
    const [s, h] = findKernelLayers(model);
    expect(s!.shape).toMatchObject({ layerName: shared.name, applications: 2, outputPositions: 2 });
    expect(h!.shape).toMatchObject({ applications: 1, outputPositions: 1 });
    const trainer = new SparseTrainer(model, { strategy: staticSparse, optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    expect(trainer.flops().denseInferencePerSample).toBe(2 * denseFlops(8, 8) + denseFlops(8, 2));
    trainer.dispose();

    const subInput = tfl.input({ shape: [4] });
    const inner = tfl.layers.dense({ units: 4 });
    const sub = tfl.model({ inputs: subInput, outputs: inner.apply(subInput) as tfl.SymbolicTensor });
    const outerInput = tfl.input({ shape: [4] });
    const outer = tfl.model({ inputs: outerInput, outputs: sub.apply(sub.apply(outerInput)) as tfl.SymbolicTensor });
    expect(findKernelLayers(outer)[0]!.shape).toMatchObject({ layerName: inner.name, applications: 2, outputPositions: 2 });
    // a layer applied once, in a Sequential model, counts once
    const seq = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3] })] });
    expect(findKernelLayers(seq)[0]!.shape).toMatchObject({ applications: 1, outputPositions: 1 });
  });

  it('counts a convolution applied to two inputs of different sizes at the output positions of each call', () => {
    const big = tfl.input({ shape: [8, 8, 1] });
    const little = tfl.input({ shape: [4, 4, 1] });
    const conv = tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' });
    const pooled = [conv.apply(big), conv.apply(little)].map((t) => tfl.layers.globalAveragePooling2d({}).apply(t) as tfl.SymbolicTensor);
    const model = tfl.model({ inputs: [big, little], outputs: tfl.layers.concatenate().apply(pooled) as tfl.SymbolicTensor });
    expect(findKernelLayers(model)[0]!.shape).toMatchObject({ applications: 2, outputPositions: 8 * 8 + 4 * 4 });
  });

  it('fitCallback counts the batch size model.fit really used, the smaller last batch included', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) })] });
    const optimizer = tf.train.sgd(0.01);
    model.compile({ optimizer, loss: 'meanSquaredError' });
    const trainer = new SparseTrainer(model, { strategy: staticSparse, optimizer, loss: 'meanSquaredError' });
    const x = tf.ones([10, 4]);
    const y = tf.zeros([10, 3]);
    // 10 samples in batches of 4: 4 + 4 + 2; the callback's own batchSize is only a fallback
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [fitCallback(trainer, { batchSize: 4 })] });
    const f = trainer.flops();
    expect(trainer.stepCount).toBe(3);
    expect(f.denseTraining).toBe(10 * 3 * f.denseInferencePerSample);
    expect(f.training).toBe(10 * 3 * f.inferencePerSample);
    // without batchSize the reported size is used
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [fitCallback(trainer)] });
    expect(trainer.flops().denseTraining).toBe(20 * 3 * f.denseInferencePerSample);
    tf.dispose([x, y]);
    trainer.dispose();
  });
});
