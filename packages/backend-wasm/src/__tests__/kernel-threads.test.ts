import { afterEach, describe, expect, it, vi } from 'vitest';
import { SINGLE_THREAD_KERNELS_BASE64, THREADED_KERNELS_BASE64 } from '../native/kernel-binaries.js';
import { sharedMemorySupport, startKernelThreads } from '@topiary/core';

const moduleOf = (text: string) => new WebAssembly.Module(Buffer.from(text, 'base64'));
const sharedMemory = () => new WebAssembly.Memory({ initial: 2, maximum: 16384, shared: true });

afterEach(() => vi.unstubAllGlobals());

describe('kernel threads', () => {
  it('start in Node over shared memory and stop on request', async () => {
    const memory = sharedMemory();
    const module = moduleOf(THREADED_KERNELS_BASE64);
    const started = await startKernelThreads(2, module, memory, true);
    expect(started.reason).toBeUndefined();
    expect(started.threads).toHaveLength(2);
    const host = new WebAssembly.Instance(module, { env: { memory, now: () => Date.now() } }).exports as { stopWorkers(): void };
    host.stopWorkers();
    started.threads.forEach((t) => t.terminate());
  });

  it('that fail to start are left out with the reason, and the start does not hang', async () => {
    // the single-thread binary cannot link against shared memory, so every thread fails at once
    const started = await startKernelThreads(3, moduleOf(SINGLE_THREAD_KERNELS_BASE64), sharedMemory(), true);
    expect(started.threads).toHaveLength(0);
    expect(started.reason).toMatch(/^kernel thread 1 failed to start \(.+\), so 1 thread run$/);
  });

  it('are refused, with the reason, where a page is not cross-origin isolated', () => {
    vi.stubGlobal('crossOriginIsolated', false);
    expect(sharedMemorySupport(false)).toEqual({ ok: false, reason: expect.stringMatching(/not cross-origin isolated/) });
    vi.stubGlobal('SharedArrayBuffer', undefined);
    expect(sharedMemorySupport(false)).toEqual({ ok: false, reason: expect.stringMatching(/SharedArrayBuffer is unavailable/) });
    expect(sharedMemorySupport(true)).toEqual({ ok: false, reason: 'SharedArrayBuffer is unavailable in this runtime' });
  });
});
