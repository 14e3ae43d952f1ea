// Chooses the implementation of the products: the WebAssembly SIMD kernels where they start, else plain TypeScript
// with the reason kept (the same results within float tolerance either way).
import { check } from '@topiary/core';
import type { SparseProducts } from '../products/sparse-products.js';
import { typescriptProducts } from '../typescript/typescript-products.js';
import { wasmProducts } from '../wasm/wasm-products.js';
import { SparseWasmRuntime, type WasmStart } from '../wasm/wasm-runtime.js';

/** Options of {@link sparseProducts}. */
export interface SparseProductsOptions {
  /**
   * `'auto'` (default): WASM SIMD where this runtime has it, else TypeScript with `fallbackReason` set; `'wasm'`:
   * WASM or an Error saying why not; `'typescript'`: plain TypeScript.
   */
  readonly implementation?: 'auto' | 'wasm' | 'typescript';
}

const IMPLEMENTATIONS = ['auto', 'wasm', 'typescript'] as const;

/** {@link sparseProducts} with the way the WASM kernels start passed in (tests start a broken binary). */
export async function selectProducts(options: SparseProductsOptions, start: () => Promise<WasmStart>): Promise<SparseProducts> {
  const implementation = options.implementation ?? 'auto';
  check((IMPLEMENTATIONS as readonly string[]).includes(implementation), 'sparseProducts: implementation', implementation, `one of ${IMPLEMENTATIONS.join(', ')}`);
  if (implementation === 'typescript') return typescriptProducts();
  const started = await start();
  if (started.runtime !== undefined) return wasmProducts(started.runtime);
  if (implementation === 'wasm') throw new Error(`sparseProducts: implementation 'wasm' is not available: ${started.reason}`);
  return typescriptProducts(started.reason);
}

/**
 * The forward, input-gradient and sampled-gradient products of sparse Dense layers, on WebAssembly SIMD
 * (single-threaded) where available, else in plain TypeScript. Each call starts its own WASM instance and memory.
 */
export function sparseProducts(options: SparseProductsOptions = {}): Promise<SparseProducts> {
  return selectProducts(options, () => SparseWasmRuntime.start());
}
