// Choosing the implementation: WASM where it starts, TypeScript with the reason where it does not.
import { describe, expect, it } from 'vitest';
import { selectProducts, sparseProducts } from '../select/select-products.js';
import { SparseWasmRuntime } from '../wasm/wasm-runtime.js';
import { makeCase, relativeError } from './fixtures.js';

/** A module header followed by a byte that is no section: what a runtime without SIMD sees in the kernels. */
const INVALID = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0xff]);

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
    const products = await selectProducts({}, () => SparseWasmRuntime.start(INVALID));
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
      const products = await sparseProducts();
      expect(products.implementation).toBe('typescript');
      expect(products.fallbackReason).toBe('this JavaScript runtime has no WebAssembly');
    } finally {
      globalThis.WebAssembly = saved;
    }
  });

  it('refuses implementation "wasm" where the kernels cannot start, naming the reason', async () => {
    await expect(selectProducts({ implementation: 'wasm' }, () => SparseWasmRuntime.start(INVALID))).rejects.toThrow(
      /sparseProducts: implementation 'wasm' is not available: the sparse kernels do not validate here: this WebAssembly runtime lacks SIMD/,
    );
  });

  it('refuses an unknown implementation', async () => {
    await expect(sparseProducts({ implementation: 'gpu' as 'wasm' })).rejects.toThrow('sparseProducts: implementation must be one of auto, wasm, typescript, got "gpu"');
  });
});
