// Chooses the implementation of the products: the WebAssembly SIMD kernels where they start, else plain TypeScript
// with the reason kept (the same results within float tolerance either way).
import { check, checkPositiveInteger, isNodeRuntime, KERNEL_THREADS_VARIABLE, kernelThreadsFromEnvironment, logicalCores } from '@topiary/core';
import type { SparseProducts } from '../products/sparse-products.js';
import { typescriptProducts } from '../typescript/typescript-products.js';
import { sparseThreadPool, type ThreadPool } from '../wasm/thread-pool.js';
import { wasmProducts } from '../wasm/wasm-products.js';
import { SparseWasmRuntime, type WasmStart } from '../wasm/wasm-runtime.js';

/** Options of {@link sparseProducts}. */
export interface SparseProductsOptions {
  /**
   * `'auto'` (default): WASM SIMD where this runtime has it, else TypeScript with `fallbackReason` set; `'wasm'`:
   * WASM or an Error saying why not; `'typescript'`: plain TypeScript.
   */
  readonly implementation?: 'auto' | 'wasm' | 'typescript';
  /**
   * Threads the WASM products run on, the caller's own included (default: in Node the `TOPIARY_WASM_THREADS`
   * environment variable when set, as for @topiary/backend-wasm's kernels, else the logical cores). Above 1 they use the
   * process's kernel threads, started on the first such call with this count; where memory cannot be shared they
   * run on one thread with `threadNote` saying why. The TypeScript products run on one thread.
   */
  readonly threads?: number;
}

/** What starts the WASM kernels for `threads` threads: a runtime, and what the process's threads share on it (thread-pool.ts), if any. */
export type WasmStarter = (threads: number) => Promise<{ readonly started: WasmStart } & Partial<ThreadPool>>;

const IMPLEMENTATIONS = ['auto', 'wasm', 'typescript'] as const;

/** {@link sparseProducts} with the way the WASM kernels start passed in (tests start a broken binary). */
export async function selectProducts(options: SparseProductsOptions, start: WasmStarter): Promise<SparseProducts> {
  const implementation = options.implementation ?? 'auto';
  check((IMPLEMENTATIONS as readonly string[]).includes(implementation), 'sparseProducts: implementation', implementation, `one of ${IMPLEMENTATIONS.join(', ')}`);
  const asked = options.threads;
  if (asked !== undefined) check(Number.isSafeInteger(asked) && asked >= 1, 'sparseProducts: threads', asked, 'an integer ≥ 1');
  const oneThread = asked !== undefined && asked > 1 ? 'the TypeScript products run on one thread' : undefined;
  if (implementation === 'typescript') return typescriptProducts(undefined, oneThread);
  const fromEnvironment = asked === undefined ? kernelThreadsFromEnvironment() : undefined;
  if (fromEnvironment !== undefined) checkPositiveInteger(fromEnvironment, `environment variable ${KERNEL_THREADS_VARIABLE}`);
  const threads = asked ?? fromEnvironment ?? (await logicalCores(isNodeRuntime()));
  const { started, resident, requested, oneTask } = await start(threads);
  const runtime = started.runtime;
  if (runtime !== undefined) {
    const used = Math.min(threads, runtime.threads);
    const note = used < threads ? runtime.threadNote ?? `the sparse kernel threads of this process were started for ${requested ?? runtime.threads} threads` : undefined;
    return wasmProducts(runtime, { threads: used, threadNote: note, ...(resident === undefined ? {} : { resident }), ...(oneTask === undefined || used === 1 ? {} : { oneTask }) });
  }
  if (implementation === 'wasm') throw new Error(`sparseProducts: implementation 'wasm' is not available: ${started.reason}`);
  return typescriptProducts(started.reason, oneThread);
}

/** Starts the shipped kernels: the process's threaded ones for more than one thread, else an instance of its own. */
const startShipped: WasmStarter = async (threads) => (threads > 1 ? sparseThreadPool(threads) : { started: await SparseWasmRuntime.start() });

/**
 * The forward, input-gradient and sampled-gradient products of sparse Dense layers, on WebAssembly SIMD where
 * available (on `threads` threads, default every logical core), else in plain TypeScript. With one thread each
 * call starts its own WASM instance and memory; with more, every call shares the process's threaded instance
 * (started once, its memory and resident structures shared).
 */
export function sparseProducts(options: SparseProductsOptions = {}): Promise<SparseProducts> {
  return selectProducts(options, startShipped);
}
