// Choosing the implementation: WASM where it starts, TypeScript with the reason where it does not.
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { selectProducts, sparseProducts } from '../select/select-products.js';
import { stopSparseThreads } from '../wasm/thread-pool.js';
import { SparseWasmRuntime } from '../wasm/wasm-runtime.js';
import { makeCase, relativeError } from './fixtures.js';

/** A module header followed by a byte that is no section: what a runtime without SIMD sees in the kernels. */
const INVALID = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0xff]);

afterAll(() => stopSparseThreads());

describe('sparseProducts', () => {
  it('runs the WASM kernels where WebAssembly SIMD is available (Node)', async () => {
    const products = await sparseProducts();
    expect(products.implementation).toBe('wasm');
    expect(products.fallbackReason).toBeUndefined();
  });

  it('gives TypeScript when asked, with no fallback reason', async () => {
    const products = await sparseProducts({ implementation: 'typescript' });
    expect(products.implementation).toBe('typescript');
    expect(products.fallbackReason).toBeUndefined();
  });

  it('falls back to TypeScript where the kernels do not validate, saying why, with the same results', async () => {
    const products = await selectProducts({}, async () => ({ started: await SparseWasmRuntime.start(INVALID) }));
    expect(products.implementation).toBe('typescript');
    expect(products.fallbackReason).toMatch(/lacks SIMD/);
    const c = makeCase(20, 10, 3, 0.5, 2);
    const wasm = await sparseProducts({ implementation: 'wasm' });
    expect(relativeError(products.forward(c.kernel, c.x, 3), wasm.forward(c.kernel, c.x, 3))).toBeLessThan(1e-6);
  });

  it('falls back where there is no WebAssembly at all', async () => {
    const saved = globalThis.WebAssembly;
    try {
      (globalThis as { WebAssembly?: unknown }).WebAssembly = undefined;
      // (one thread: the process's threaded instance, once started, would still run)
      const products = await sparseProducts({ threads: 1 });
      expect(products.implementation).toBe('typescript');
      expect(products.fallbackReason).toBe('this JavaScript runtime has no WebAssembly');
      expect(await SparseWasmRuntime.startThreaded(2, true)).toEqual({ reason: 'this JavaScript runtime has no WebAssembly' });
    } finally {
      globalThis.WebAssembly = saved;
    }
  });

  it('refuses implementation "wasm" where the kernels cannot start, naming the reason', async () => {
    await expect(selectProducts({ implementation: 'wasm' }, async () => ({ started: await SparseWasmRuntime.start(INVALID) }))).rejects.toThrow(
      /sparseProducts: implementation 'wasm' is not available: the sparse kernels do not validate here: this WebAssembly runtime lacks SIMD/,
    );
  });

  it('refuses an unknown implementation', async () => {
    await expect(sparseProducts({ implementation: 'gpu' as 'wasm' })).rejects.toThrow('sparseProducts: implementation must be one of auto, wasm, typescript, got "gpu"');
  });

  it('runs on the logical cores by default, and on the threads asked for', async () => {
    const cores = availableParallelism();
    const all = await sparseProducts();
    expect(all.threads).toBe(cores);
    expect(all.threadNote).toBeUndefined();
    const single = await sparseProducts({ threads: 1 });
    expect(single.threads).toBe(1);
    expect(single.threadNote).toBeUndefined();
    const c = makeCase(120, 90, 40, 0.3, 5);
    expect(Buffer.from(all.forward(c.kernel, c.x, 40).buffer).equals(Buffer.from(single.forward(c.kernel, c.x, 40).buffer))).toBe(true);
  });

  it('shares the process\'s threads, started once: more threads than started run on those, saying why', async () => {
    const cores = availableParallelism();
    const more = await sparseProducts({ threads: cores + 2 });
    expect(more.threads).toBe(cores);
    expect(more.threadNote).toBe(`the sparse kernel threads of this process were started for ${cores} threads`);
  });

  it('gives TypeScript on one thread, saying so when more were asked for', async () => {
    const products = await sparseProducts({ implementation: 'typescript', threads: 4 });
    expect(products.threads).toBe(1);
    expect(products.threadNote).toBe('the TypeScript products run on one thread');
    expect((await sparseProducts({ implementation: 'typescript' })).threadNote).toBeUndefined();
  });

  it('refuses a thread count that is not an integer ≥ 1', async () => {
    await expect(sparseProducts({ threads: 0 })).rejects.toThrow('sparseProducts: threads must be an integer ≥ 1, got 0');
    await expect(sparseProducts({ threads: 1.5 })).rejects.toThrow('sparseProducts: threads must be an integer ≥ 1, got 1.5');
  });

  it('after stopSparseThreads, products made before run on one thread with the same results, and new ones start new threads', async () => {
    const before = await sparseProducts({ threads: 2 });
    const c = makeCase(200, 150, 48, 0.2, 8);
    const expected = before.forward(c.kernel, c.x, 48);
    await stopSparseThreads();
    expect(before.threads).toBe(1);
    expect(before.threadNote).toBe('the sparse kernel threads were stopped');
    expect(Buffer.from(before.forward(c.kernel, c.x, 48).buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    const after = await sparseProducts({ threads: 2 });
    expect(after.threads).toBe(2);
  });

  it('takes the default thread count from TOPIARY_WASM_THREADS in Node, and refuses a bad one naming the variable', async () => {
    try {
      vi.stubEnv('TOPIARY_WASM_THREADS', '1');
      expect((await sparseProducts()).threads).toBe(1);
      expect((await sparseProducts({ threads: 2 })).threads).toBe(2);
      vi.stubEnv('TOPIARY_WASM_THREADS', 'two');
      await expect(sparseProducts()).rejects.toThrow('environment variable TOPIARY_WASM_THREADS must be a positive integer, got "two"');
      vi.stubEnv('TOPIARY_WASM_THREADS', '0');
      await expect(sparseProducts()).rejects.toThrow('environment variable TOPIARY_WASM_THREADS must be a positive integer, got 0');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
