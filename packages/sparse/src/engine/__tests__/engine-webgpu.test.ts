// The sparse engine on the webgpu backend (Dawn + SwiftShader in Node): the WGSL products in every step, gradient
// growth by the tiled top-k on the device, and a short RigL, SET and GSE run that ends with the cpu run's masks and
// weights. Skipped, with the reason printed, where no WebGPU adapter is found.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { rigl, set } from '@topiary/algorithms';
import { probeWebGpu, releaseWebGpu, webgpu } from '@topiary/backend-webgpu';
import type { SparseStrategy } from '@topiary/core';
import { gseGrow } from '@topiary/grow';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { relativeError, seeded } from '../../__tests__/fixtures.js';
import { randomSparseKernel } from '../../kernel/random-kernel.js';
import { DeviceStructure } from '../../webgpu/device-structure.js';
import { SPARSE_WEBGPU_KERNELS } from '../../webgpu/sparse-kernels.js';
import { AfterDrop } from '../after-drop.js';
import { deviceGradientGrowth } from '../device-gradient-growth.js';
import { gradientGrowth } from '../grow-positions.js';
import { SparseEngineTrainer } from '../sparse-engine-trainer.js';
import { deviceStructureOf } from '../webgpu-sparse-matmul.js';

const probe = await probeWebGpu();
if (!probe.available) console.warn(`WebGPU sparse engine tests skipped, no adapter: ${probe.reason}`);

const STEPS = 30;
const EVERY = 5;
const batches = syntheticBatches({ count: STEPS, batchSize: 8, seed: 13 });

/** What a run leaves: the masks after every update step, the final dense kernels and biases, the losses. */
interface RunRecord {
  readonly masks: Uint8Array[][];
  readonly weights: Float32Array[];
  readonly losses: number[];
  readonly updates: number;
}

/** Trains a fresh engine on the active backend. */
async function run(strategy: SparseStrategy): Promise<RunRecord> {
  const trainer = new SparseEngineTrainer(tinyMlp({ seed: 5 }), { strategy, optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy', seed: 3, weightDecay: 1e-4 });
  const masks: Uint8Array[][] = [];
  const losses: number[] = [];
  let updates = 0;
  try {
    for (const batch of batches) {
      const { x, y } = toTensors(batch);
      const result = await trainer.step(x, y);
      tf.dispose([x, y]);
      losses.push(result.loss);
      if (result.maskUpdated) {
        updates++;
        masks.push(trainer.masks());
      }
    }
    const weights: Float32Array[] = [];
    for (const [i, kernel] of (await trainer.kernels()).entries()) {
      weights.push(kernel.toDense());
      const bias = trainer.layers[i]!.bias;
      if (bias) weights.push((await bias.data()) as Float32Array);
    }
    return { masks, weights, losses, updates };
  } finally {
    trainer.dispose();
  }
}

describe.skipIf(!probe.available)(`the sparse engine on webgpu (${probe.adapterInfo})`, () => {
  afterAll(() => {
    releaseWebGpu();
  });

  it.each([
    ['RigL', rigl({ sparsity: 0.8, totalSteps: STEPS, updateEvery: EVERY })],
    ['SET', set({ sparsity: 0.8, totalSteps: STEPS, updateEvery: EVERY })],
    // GSE's growth reads X and dY back to the host (await data()) for its subset's dot products
    ['GSE', { ...rigl({ sparsity: 0.8, totalSteps: STEPS, updateEvery: EVERY }), name: 'gse', update: { ...rigl({ sparsity: 0.8, totalSteps: STEPS, updateEvery: EVERY }).update!, grow: gseGrow() } }],
  ] as const)('%s: the same masks after every update and weights within relative 1e-4 as on cpu', async (_name, strategy) => {
    await tf.setBackend('cpu');
    const cpu = await run(strategy);
    await webgpu().setup();
    const gpu = await run(strategy);
    expect(cpu.updates).toBeGreaterThanOrEqual(3);
    expect(gpu.updates).toBe(cpu.updates);
    gpu.masks.forEach((layers, u) => layers.forEach((mask, l) => expect(Array.from(mask), `update ${u}, layer ${l}`).toEqual(Array.from(cpu.masks[u]![l]!))));
    gpu.weights.forEach((w, i) => expect(relativeError(w, cpu.weights[i]!), `weights ${i}`).toBeLessThanOrEqual(1e-4));
    gpu.losses.forEach((loss, s) => expect(Math.abs(loss - cpu.losses[s]!), `loss of step ${s}`).toBeLessThan(1e-4));
  }, 120_000);

  it('runs the WGSL products, reads nothing synchronously, uploads a structure once and releases it at the update, and leaks no tensors', async () => {
    await webgpu().setup();
    const strategy = rigl({ sparsity: 0.8, totalSteps: 20, updateEvery: 4 });
    const trainer = new SparseEngineTrainer(tinyMlp({ seed: 2 }), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const { x, y } = toTensors(batches[0]!);
    try {
      const profile = await tf.profile(async () => {
        await trainer.step(x, y);
      });
      for (const name of [SPARSE_WEBGPU_KERNELS.forward, SPARSE_WEBGPU_KERNELS.backwardInput, SPARSE_WEBGPU_KERNELS.sampledGradient]) expect(profile.kernelNames).toContain(name);
      const first = deviceStructureOf(trainer.layers[0]!);
      await trainer.step(x, y);
      expect(deviceStructureOf(trainer.layers[0]!)).toBe(first);
      const before = tf.memory().numTensors;
      // no synchronous read in a step or an update; the asynchronous ones are the loss probe's and the update's
      const readSync = vi.spyOn(tf.backend(), 'readSync');
      const read = vi.spyOn(tf.backend(), 'read');
      const step = await trainer.step(x, y);
      expect(step.maskUpdated).toBe(false);
      expect(read).toHaveBeenCalledTimes(1);
      let updated = false;
      while (!updated) updated = (await trainer.step(x, y)).maskUpdated;
      expect(readSync).not.toHaveBeenCalled();
      readSync.mockRestore();
      read.mockRestore();
      expect(first.isDisposed).toBe(true);
      await trainer.step(x, y);
      expect(deviceStructureOf(trainer.layers[0]!)).not.toBe(first);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose([x, y]);
      trainer.dispose();
    }
  }, 60_000);

  it.each([
    ['one tile', 1 << 20],
    ['tiles of 3 rows', 3 * 23],
    ['tiles of one row', 23],
  ] as const)('gradient growth on the device picks the host positions (%s, ties at zero gradients)', async (_name, tileFloats) => {
    await webgpu().setup();
    const random = seeded(21);
    const kernel = randomSparseKernel(37, 23, 0.7, random);
    const dropped = Uint8Array.from({ length: kernel.nnz }, () => (random() < 0.3 ? 1 : 0));
    const after = new AfterDrop(kernel, kernel.values, dropped);
    const batch = 5;
    // input units 0, 5, 10, ... are zero in the batch: their rows of the gradient are zero, so scores tie at 0
    const x = Float32Array.from({ length: batch * 37 }, (_, p) => ((p % 37) % 5 === 0 ? 0 : 2 * random() - 1));
    const dy = Float32Array.from({ length: batch * 23 }, () => 2 * random() - 1);
    const xt = tf.tensor2d(x, [batch, 37]);
    const dyt = tf.tensor2d(dy, [batch, 23]);
    const sampled = tf.zeros([kernel.nnz]);
    const structure = DeviceStructure.upload(kernel);
    try {
      for (const k of [1, 7, 200, after.inactive]) {
        const host = await gradientGrowth(after, { x, dy, batch, sampled: new Float32Array(kernel.nnz) }, k, 'dense');
        const device = await deviceGradientGrowth(after, { x: xt, dy: dyt, batch, sampled, structure }, k, 'dense', tileFloats);
        expect(host.ok && device.ok).toBe(true);
        if (host.ok && device.ok) expect(Array.from(device.positions), `k = ${k}`).toEqual(Array.from(host.positions));
      }
      const poisoned = tf.tensor2d(x.map((v, p) => (p === 1 ? NaN : v)), [batch, 37]);
      const result = await deviceGradientGrowth(after, { x: poisoned, dy: dyt, batch, sampled, structure }, 5, 'dense', tileFloats);
      poisoned.dispose();
      expect(result).toEqual({ ok: false, reason: "'gradient' grow scores of layer dense are not finite" });
    } finally {
      tf.dispose([xt, dyt, sampled]);
      structure.dispose();
    }
  });
});
