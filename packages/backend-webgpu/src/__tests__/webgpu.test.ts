import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import type { BackendInfo } from '@topiary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebGpuUnavailableError, probeWebGpu, releaseWebGpu, webgpu } from '../index.js';
import { basicOpResults, trainDenseSteps } from './dense-fixture.js';

const probe = await probeWebGpu();
const noAdapter = !probe.available;
if (noAdapter) console.warn(`WebGPU tests skipped, no adapter: ${probe.reason}`);

const TRAIN_STEPS = 20;

/** Asserts |actual - expected| <= tolerance · max(1, |expected|) element-wise. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const bound = tolerance * Math.max(1, Math.abs(expected[i]!));
    expect(Math.abs(actual[i]! - expected[i]!), `${label}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(bound);
  }
}

describe.skipIf(noAdapter)('webgpu backend on an adapter', () => {
  let cpuOps: Awaited<ReturnType<typeof basicOpResults>>;
  let cpuLosses: number[];
  let info: BackendInfo;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    cpuOps = await basicOpResults();
    cpuLosses = await trainDenseSteps(TRAIN_STEPS);
    info = await webgpu().setup();
  });
  afterAll(() => {
    releaseWebGpu();
  });

  it('makes webgpu the active backend and names the adapter', () => {
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.name).toBe('webgpu');
    expect(info.details).toContain(probe.adapterInfo);
    expect(info.details).toContain(probe.isFallbackAdapter ? 'fallback (software) adapter' : 'hardware adapter');
  });

  it('computes basic ops as the CPU backend does', async () => {
    const gpuOps = await basicOpResults();
    expect(Object.keys(gpuOps)).toEqual(Object.keys(cpuOps));
    for (const [name, expected] of Object.entries(cpuOps)) {
      expect(gpuOps[name]!.constructor, `${name}: dtype`).toBe(expected.constructor);
      expectClose(gpuOps[name]!, expected, 1e-4, name);
    }
  });

  it('trains a small dense network: the loss falls and follows the CPU backend', async () => {
    const before = tf.memory().numTensors;
    const gpuLosses = await trainDenseSteps(TRAIN_STEPS);
    expect(tf.memory().numTensors).toBe(before);
    expect(gpuLosses).toHaveLength(TRAIN_STEPS);
    expect(gpuLosses[TRAIN_STEPS - 1]!).toBeLessThan(0.5 * gpuLosses[0]!);
    expectClose(gpuLosses, cpuLosses, 1e-3, 'loss');
  });

  it('explains that synchronous reads need await tensor.data() under Node', () => {
    const product = tf.matMul(tf.ones([2, 2]), tf.ones([2, 2]));
    expect(() => product.dataSync()).toThrow(/await tensor\.data\(\)/);
    product.dispose();
  });

  it('reuses the running backend when set up again', async () => {
    const again = await webgpu().setup();
    expect(again.details).toContain('reused the webgpu backend already running');
    expect(tf.getBackend()).toBe('webgpu');
  });

  it.skipIf(!probe.isFallbackAdapter)(
    'refuses a fallback adapter when allowFallbackAdapter is false, leaving the active backend alone',
    async () => {
      await tf.setBackend('cpu');
      await expect(webgpu({ allowFallbackAdapter: false }).setup()).rejects.toThrow(
        /fallback \(software\) adapter[\s\S]*allowFallbackAdapter: true/,
      );
      expect(tf.getBackend()).toBe('cpu');
      await tf.setBackend('webgpu');
    },
  );

  it('starts afresh after releaseWebGpu', async () => {
    releaseWebGpu();
    expect(tf.engine().registryFactory.webgpu).toBeUndefined();
    const restarted = await webgpu().setup();
    expect(restarted.details).not.toContain('reused');
    const sum = tf.sum(tf.tensor1d([1, 2, 3]));
    expect(Array.from(await sum.data())).toEqual([6]);
    sum.dispose();
  });
});

describe('webgpu backend without a usable adapter', () => {
  it('says what was tried and how to fix it when no adapter is found', async () => {
    await tf.setBackend('cpu');
    const failure = webgpu({ dawnFlags: ['backend=d3d12'], softwareVulkanIcd: false }).setup();
    await expect(failure).rejects.toBeInstanceOf(WebGpuUnavailableError);
    const error = (await failure.catch((e: unknown) => e)) as WebGpuUnavailableError;
    expect(error.message).toContain('no WebGPU adapter found');
    expect(error.message).toContain('backend=d3d12');
    expect(error.message).toContain('VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json');
    expect(error.attempts.length).toBeGreaterThan(0);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('probes to unavailable with the same reason instead of throwing', async () => {
    const result = await probeWebGpu({ dawnFlags: ['backend=d3d12'], softwareVulkanIcd: false });
    expect(result).toMatchObject({ available: false, isFallbackAdapter: false, adapterInfo: '' });
    expect(result.reason).toContain('no WebGPU adapter found');
  });
});
