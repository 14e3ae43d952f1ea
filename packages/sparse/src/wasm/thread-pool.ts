// The sparse kernels' threads, started once per process or page: one threaded runtime (shared memory, its kernel
// threads) and one resident area of CSR structures, shared by every threaded products object, since they all lay
// their operands out in the same memory (each call is synchronous, so they never overlap); beside it one unshared
// single-threaded instance for the products too small to split. The threads are released (they never keep a
// process or page alive) and can be ended with stopSparseThreads.
import { isNodeRuntime } from '@topiary/core';
import type { SparseProducts } from '../products/sparse-products.js';
import { ResidentCsr } from './resident-csr.js';
import { wasmProducts } from './wasm-products.js';
import { SparseWasmRuntime, type WasmStart } from './wasm-runtime.js';

/** The process's threaded runtime, its resident area and the products for calls of one task. */
export interface ThreadPool {
  /** The threaded runtime, or why there is none. */
  readonly started: WasmStart;
  /** Its resident area, shared by every products object on it. */
  readonly resident: ResidentCsr | undefined;
  /** The thread count it was started for. */
  readonly requested: number;
  /** Products on an unshared single-threaded instance, for the calls too small to split. */
  readonly oneTask: SparseProducts | undefined;
}

/** The pool's pieces around a started runtime. */
async function poolOf(started: WasmStart, requested: number): Promise<ThreadPool> {
  const runtime = started.runtime;
  if (runtime === undefined) return { started, resident: undefined, requested, oneTask: undefined };
  const single = runtime.threads > 1 ? await SparseWasmRuntime.start() : undefined;
  const oneTask = single?.runtime === undefined ? undefined : wasmProducts(single.runtime);
  return { started, resident: new ResidentCsr(runtime), requested, oneTask };
}

let pool: Promise<ThreadPool> | undefined;

/**
 * The process's threaded sparse kernels, started on the first call with `threads` threads (the caller's own
 * included); later calls get the same runtime, whatever their count, with `requested` saying what it was started for.
 */
export function sparseThreadPool(threads: number): Promise<ThreadPool> {
  pool ??= SparseWasmRuntime.startThreaded(threads, isNodeRuntime()).then((started) => poolOf(started, threads));
  return pool;
}

/**
 * Ends the sparse kernels' threads of this process, if started: products made before then go on running on their
 * caller's thread (the same results), and the next `sparseProducts` with threads starts new ones. Not needed for a
 * process or page to end: the threads never keep it alive.
 */
export async function stopSparseThreads(): Promise<void> {
  const current = pool;
  pool = undefined;
  (await current)?.started.runtime?.stop();
}
