import * as tf from '@tensorflow/tfjs-core';
import type { BackendDescriptor } from '@topiary/core';
import { describe, expect, it } from 'vitest';
import {
  type BackendName,
  type BackendProviders,
  defaultBackendProviders,
  selectBackend,
  type WebGpuPackage,
  type WebGpuProbe,
} from '../select-backend.js';

/** A backend that records whether it was started and either succeeds or fails with `failure`. */
function fakeBackend(name: string, failure?: string): BackendDescriptor & { started: number } {
  const backend = {
    name,
    tfBackend: name,
    started: 0,
    async setup() {
      backend.started++;
      if (failure !== undefined) throw new Error(failure);
      return { name, details: `${name} details` };
    },
  };
  return backend;
}

function fakeWebGpu(probe: WebGpuProbe, failure?: string): WebGpuPackage & { backend: ReturnType<typeof fakeBackend> } {
  const backend = fakeBackend('webgpu', failure);
  return { backend, webgpu: () => backend, probeWebGpu: async () => probe };
}

function providers(options: {
  webgpu?: WebGpuPackage;
  wasmFailure?: string;
  cpuFailure?: string;
}): BackendProviders & { wasmBackend: ReturnType<typeof fakeBackend>; cpuBackend: ReturnType<typeof fakeBackend> } {
  const wasmBackend = fakeBackend('wasm', options.wasmFailure);
  const cpuBackend = fakeBackend('cpu', options.cpuFailure);
  return {
    wasmBackend,
    cpuBackend,
    wasm: () => wasmBackend,
    cpu: () => cpuBackend,
    loadWebGpu: async () => {
      if (options.webgpu === undefined) throw new Error("Cannot find package '@topiary/backend-webgpu'");
      return options.webgpu;
    },
  };
}

const hardware: WebGpuProbe = { available: true, isFallbackAdapter: false, reason: 'adapter: NVIDIA H200' };
const swiftShader: WebGpuProbe = { available: true, isFallbackAdapter: true, reason: 'adapter: SwiftShader' };
const noGpu: WebGpuProbe = { available: false, isFallbackAdapter: false, reason: 'navigator.gpu is undefined' };

describe('selectBackend (auto)', () => {
  it('picks WebGPU on a hardware adapter and says so', async () => {
    const webgpu = fakeWebGpu(hardware);
    const chosen = await selectBackend('auto', providers({ webgpu }));
    expect(chosen).toEqual({ name: 'webgpu', details: 'webgpu details', reason: expect.stringContaining('NVIDIA H200') });
    expect(webgpu.backend.started).toBe(1);
  });

  it('skips a fallback adapter for WASM and reports why', async () => {
    const webgpu = fakeWebGpu(swiftShader);
    const setup = providers({ webgpu });
    const chosen = await selectBackend('auto', setup);
    expect(chosen.name).toBe('wasm');
    expect(chosen.reason).toMatch(/fallback adapter.*SwiftShader/);
    expect(webgpu.backend.started).toBe(0);
    expect(setup.cpuBackend.started).toBe(0);
  });

  it('treats a missing WebGPU package as unavailable', async () => {
    const chosen = await selectBackend('auto', providers({}));
    expect(chosen.name).toBe('wasm');
    expect(chosen.reason).toContain('@topiary/backend-webgpu could not be loaded');
  });

  it('falls back past a WebGPU start failure and an unavailable adapter', async () => {
    const failing = await selectBackend('auto', providers({ webgpu: fakeWebGpu(hardware, 'device lost') }));
    expect(failing.name).toBe('wasm');
    expect(failing.reason).toContain('webgpu could not start: device lost');
    const absent = await selectBackend('auto', providers({ webgpu: fakeWebGpu(noGpu) }));
    expect(absent.reason).toContain('navigator.gpu is undefined');
  });

  it('falls back to CPU when WASM cannot start, naming both reasons', async () => {
    const chosen = await selectBackend('auto', providers({ webgpu: fakeWebGpu(noGpu), wasmFailure: 'binary not found' }));
    expect(chosen.name).toBe('cpu');
    expect(chosen.reason).toContain('navigator.gpu is undefined');
    expect(chosen.reason).toContain('wasm could not start: binary not found');
  });

  it('throws listing every attempt when nothing starts', async () => {
    const setup = providers({ wasmFailure: 'no wasm file', cpuFailure: 'no cpu package' });
    await expect(selectBackend('auto', setup)).rejects.toThrow(/No backend could start.*webgpu.*no wasm file.*no cpu package/);
  });
});

describe('selectBackend (named)', () => {
  it('starts exactly the backend asked for', async () => {
    const setup = providers({ webgpu: fakeWebGpu(hardware) });
    const chosen = await selectBackend('cpu', setup);
    expect(chosen).toEqual({ name: 'cpu', details: 'cpu details', reason: 'cpu was requested' });
    expect(setup.wasmBackend.started).toBe(0);
  });

  it('runs WebGPU on a fallback adapter when asked, and says it is slow', async () => {
    const chosen = await selectBackend('webgpu', providers({ webgpu: fakeWebGpu(swiftShader) }));
    expect(chosen.name).toBe('webgpu');
    expect(chosen.reason).toMatch(/software fallback adapter.*slow/);
  });

  it('explains a requested backend that cannot start and how to fix it', async () => {
    await expect(selectBackend('wasm', providers({ wasmFailure: 'binary missing at /x' }))).rejects.toThrow(
      /Backend 'wasm' was requested but could not start: binary missing at \/x\..*'auto'/,
    );
    await expect(selectBackend('webgpu', providers({}))).rejects.toThrow(
      /Backend 'webgpu' was requested.*@topiary\/backend-webgpu could not be loaded.*add it to the dependencies/,
    );
    await expect(selectBackend('webgpu', providers({ webgpu: fakeWebGpu(noGpu) }))).rejects.toThrow(
      /no WebGPU adapter: navigator.gpu is undefined/,
    );
  });

  it('rejects an unknown name, listing the allowed ones', async () => {
    await expect(selectBackend('tpu' as BackendName)).rejects.toThrow(
      `backend must be one of 'auto', 'cpu', 'wasm', 'webgpu', got "tpu"`,
    );
  });
});

describe('selectBackend with the installed backends', () => {
  it('starts the real CPU backend', async () => {
    const chosen = await selectBackend('cpu');
    expect(chosen.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('auto starts a real accelerated backend and makes it active', async () => {
    const chosen = await selectBackend('auto', defaultBackendProviders);
    expect(['webgpu', 'wasm']).toContain(chosen.name);
    expect(tf.getBackend()).toBe(chosen.name);
    expect(chosen.reason.length).toBeGreaterThan(0);
    const sum = tf.sum(tf.tensor1d([1, 2, 3]));
    expect(Array.from(await sum.data())).toEqual([6]);
    sum.dispose();
  });
});
