import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { MASK_SELECT_KERNEL, SparseTrainer } from '@topiary/core';
import { countMaskSelectCalls, referenceStrategies, runMaskSelectSuite, syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { probeWebGpu, releaseWebGpu, webgpu } from '../index.js';

const probe = await probeWebGpu();
if (!probe.available) console.warn(`WebGPU mask-select tests skipped, no adapter: ${probe.reason}`);

// The WGSL radix select must pick exactly what the host quickselect picks; a few seconds on SwiftShader.
describe.skipIf(!probe.available)(`webgpu (${probe.adapterInfo})`, () => {
  afterAll(() => {
    releaseWebGpu();
  });
  runMaskSelectSuite({
    name: 'webgpu radix select',
    setup: async () => {
      await webgpu().setup();
    },
  });

  it('is what a trainer with the default selection uses for every drop and grow', async () => {
    await webgpu().setup();
    const counter = countMaskSelectCalls();
    const strategy = referenceStrategies['gradient growth (RigL-like)']!.create({ totalSteps: 40, updateEvery: 5, sparsity: 0.8 });
    const trainer = new SparseTrainer(tinyMlp(), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const { x, y } = toTensors(syntheticBatches({ count: 1 })[0]!);
    try {
      let updates = 0;
      for (let i = 0; i < 11; i++) if ((await trainer.step(x, y)).maskUpdated) updates++;
      expect(updates).toBeGreaterThan(0);
      // 3 masked layers, one drop and one grow each per update
      expect(counter.calls() % 6).toBe(0);
      expect(counter.calls()).toBeGreaterThanOrEqual(6 * updates);
    } finally {
      counter.restore();
      tf.dispose([x, y]);
      trainer.dispose();
      trainer.model.dispose();
    }
  });

  it("selects on the host by default when the kernel is missing, rather than with tfjs's slow topk", async () => {
    await webgpu().setup();
    const kernel = tf.getKernel(MASK_SELECT_KERNEL, 'webgpu')!;
    tf.unregisterKernel(MASK_SELECT_KERNEL, 'webgpu');
    const strategy = referenceStrategies['gradient growth (RigL-like)']!.create({ totalSteps: 40, updateEvery: 5, sparsity: 0.8 });
    const trainer = new SparseTrainer(tinyMlp(), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const { x, y } = toTensors(syntheticBatches({ count: 1 })[0]!);
    try {
      const profile = await tf.profile(async () => {
        for (let i = 0; i < 6; i++) await trainer.step(x, y);
      });
      const names = new Set(profile.kernelNames);
      expect(names.has('TopK')).toBe(false);
      expect(names.has('MatMul') || names.has('_FusedMatMul') || names.has('BatchMatMul')).toBe(true);
      expect(trainer.summary().layers.every((l) => l.active < l.size)).toBe(true);
    } finally {
      tf.registerKernel(kernel);
      tf.dispose([x, y]);
      trainer.dispose();
      trainer.model.dispose();
    }
  });
});
