// Kernel threads of Topiary's WebAssembly kernels (those of @topiary/backend-wasm and @topiary/sparse): Node
// worker_threads or Web Workers, each instantiating the kernel module on one shared WebAssembly.Memory and looping in
// its `workerLoop` export (the job protocol of assembly/jobs.ts) until the host calls `stopWorkers`.
import { BROWSER_WORKER_SOURCE, NODE_WORKER_SOURCE } from './kernel-worker-source.js';

/** One started kernel thread. */
export interface KernelThread {
  /** Lets the process or page end while the thread waits for work. */
  release(): void;
  /** Ends the thread at once. */
  terminate(): void;
}

/** Why a thread count was lowered, or undefined when every requested thread started. */
export interface StartedThreads {
  /** The threads beside the host's own, in thread-id order (ids 1, 2, …). */
  readonly threads: KernelThread[];
  /** Why fewer threads than requested run, if so. */
  readonly reason: string | undefined;
}

/** How long a thread may take to start before it counts as failed. */
export const THREAD_START_TIMEOUT_MS = 10_000;

/** Byte address of the idle threads' spin budget in a kernel module's memory (assembly/jobs.ts SPIN_MICROSECONDS). */
export const SPIN_MICROSECONDS_ADDRESS = 1044;

/**
 * How long an idle kernel thread watches for the next job before it sleeps. Measured on LeNet-300-100 steps (2
 * cores), 0, 300 and 2000 µs gave the same step time within noise; a short budget keeps idle threads from
 * taking cores from other processes.
 */
export const SPIN_BUDGET_MICROSECONDS = 500;

/** A claimed task unfinished for this long means its thread stopped answering (the `timeoutMs` of a module's `runJob`). */
export const JOB_TIMEOUT_MS = 30_000;

/**
 * The environment variable that sets, in Node, the default thread count of Topiary's WASM kernels (the bench's
 * worker processes share the cores out through it).
 */
export const KERNEL_THREADS_VARIABLE = 'TOPIARY_WASM_THREADS';

/**
 * {@link KERNEL_THREADS_VARIABLE} in Node: undefined when unset or blank, its number when it is digits, else the
 * text itself (for the caller's error naming the variable and the value).
 */
export function kernelThreadsFromEnvironment(): number | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[KERNEL_THREADS_VARIABLE];
  if (value === undefined || value.trim() === '') return undefined;
  return /^\s*\d+\s*$/.test(value) ? Number(value) : (value as unknown as number);
}

/** Whether this is Node (worker_threads) rather than a browser (Web Workers). */
export function isNodeRuntime(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** The threads started beside the host's for one kernel module, and why fewer than asked run, if so. */
export interface KernelPool {
  /** The started threads (ids 1 … threads − 1), released so that they never keep the process or page alive. */
  readonly workers: KernelThread[];
  /** Why fewer threads than requested run, if so. */
  readonly note: string | undefined;
}

/**
 * Starts `count` threads beside the host's on `memory` (shared, the module's own): sets their spin budget
 * ({@link SPIN_BUDGET_MICROSECONDS}), starts them ({@link startKernelThreads}), warns when fewer than asked started
 * (that is not an error: the kernels run on fewer) and releases them so that they never keep the process alive.
 */
export async function startKernelPool(count: number, module: WebAssembly.Module, memory: WebAssembly.Memory, isNode: boolean): Promise<KernelPool> {
  new Int32Array(memory.buffer)[SPIN_MICROSECONDS_ADDRESS / 4] = SPIN_BUDGET_MICROSECONDS;
  const started = await startKernelThreads(count, module, memory, isNode);
  if (started.reason !== undefined) console.warn(`[topiary] ${started.reason}`);
  started.threads.forEach((w) => w.release());
  return { workers: started.threads, note: started.reason };
}

/** Whether this runtime can share WebAssembly memory between threads, and if not, why. */
export function sharedMemorySupport(isNode: boolean): { ok: true } | { ok: false; reason: string } {
  if (typeof SharedArrayBuffer !== 'function') {
    return { ok: false, reason: isNode ? 'SharedArrayBuffer is unavailable in this runtime' : 'SharedArrayBuffer is unavailable (the page is not cross-origin isolated: serve it with COOP same-origin and COEP require-corp)' };
  }
  if (!isNode && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return { ok: false, reason: 'the page is not cross-origin isolated (serve it with COOP same-origin and COEP require-corp), so threads cannot share memory' };
  }
  if (!isNode && typeof Worker !== 'function') return { ok: false, reason: 'Web Workers are unavailable here' };
  return { ok: true };
}

/** The number of logical cores: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers. */
export async function logicalCores(isNode: boolean): Promise<number> {
  if (isNode) {
    const os = await importNodeBuiltin<typeof import('node:os')>('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && cores > 0 ? cores : 1;
}

/**
 * Starts `count` kernel threads (ids 1 … count) on `memory`. A thread that fails or does not answer within
 * {@link THREAD_START_TIMEOUT_MS} is ended, and it and the later ones are left out: the result names why.
 */
export async function startKernelThreads(
  count: number,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  isNode: boolean,
): Promise<StartedThreads> {
  const threads: KernelThread[] = [];
  for (let thread = 1; thread <= count; thread++) {
    try {
      threads.push(await (isNode ? startNodeThread : startBrowserThread)(thread, module, memory));
    } catch (error) {
      const reason = `kernel thread ${thread} failed to start (${error instanceof Error ? error.message : String(error)}), so ${threads.length + 1} thread${threads.length === 0 ? '' : 's'} run`;
      return { threads, reason };
    }
  }
  return { threads, reason: undefined };
}

type Reply = { up: true } | { error: string };

function awaitReply(subscribe: (onReply: (reply: Reply) => void, onFail: (error: Error) => void) => void, stop: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no answer within ${THREAD_START_TIMEOUT_MS} ms`));
    }, THREAD_START_TIMEOUT_MS);
    subscribe(
      (reply) => {
        clearTimeout(timer);
        if ('up' in reply) resolve();
        else {
          stop();
          reject(new Error(reply.error));
        }
      },
      (error) => {
        clearTimeout(timer);
        stop();
        reject(error);
      },
    );
  });
}

async function startNodeThread(thread: number, module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelThread> {
  const { Worker } = await importNodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
  const worker = new Worker(NODE_WORKER_SOURCE, { eval: true });
  await awaitReply(
    (onReply, onFail) => {
      worker.once('message', onReply);
      worker.once('error', onFail);
      worker.once('exit', (code) => onFail(new Error(`exited with code ${code}`)));
      worker.postMessage({ module, memory, thread });
    },
    () => void worker.terminate(),
  );
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  // a thread that dies later leaves a claimed task unfinished: the host's wait times out and reports it
  worker.on('error', () => undefined);
  return { release: () => worker.unref(), terminate: () => void worker.terminate() };
}

async function startBrowserThread(thread: number, module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelThread> {
  const url = URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: `topiary-kernels-${thread}` });
  try {
    await awaitReply(
      (onReply, onFail) => {
        worker.onmessage = (event: MessageEvent<Reply>) => onReply(event.data);
        worker.onerror = (event) => onFail(new Error(event.message || 'worker error'));
        worker.postMessage({ module, memory, thread });
      },
      () => worker.terminate(),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
  return { release: () => undefined, terminate: () => worker.terminate() };
}

/** Imports a Node built-in through a non-literal specifier so that browser bundlers leave it out. */
export async function importNodeBuiltin<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
}
