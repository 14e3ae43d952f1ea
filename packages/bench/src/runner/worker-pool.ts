import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { PluginFile } from '../plugins/plugin-set.js';
import type { RunConfig } from '../train/config.js';
import type { RunMeasurements } from '../results/run-record.js';
import type { TrainingLogEntry } from '../results/training-log.js';
import type { BenchProgress, ParentMessage, WorkerMessage } from './worker-protocol.js';

/** How to start a worker process. */
export interface WorkerSpec {
  /** The worker's entry module (a file path). */
  readonly module: string;
  /** Node options for the worker, e.g. a TypeScript loader. */
  readonly execArgv: readonly string[];
}

/** One run handed to the pool. */
export interface PoolJob {
  /** The caller's identifier for the run, echoed in callbacks. */
  readonly id: number;
  /** The configuration to run. */
  readonly config: RunConfig;
  /** The plugin modules the configuration may name; the worker loads these files (by path, checking their hashes). @default none */
  readonly plugins?: readonly PluginFile[];
}

/** What the pool reports as runs go. */
export interface PoolCallbacks {
  /** A worker took the run. */
  onStart(job: PoolJob): void;
  /** The run reported progress. */
  onProgress(job: PoolJob, progress: BenchProgress): void;
  /** The run finished; a throw here stops the pool and rejects {@link runPool}. */
  onDone(job: PoolJob, measurements: RunMeasurements): void;
  /** The run threw, or its worker died. The pool goes on with the other runs. */
  onFailed(job: PoolJob, error: string): void;
  /** The job's trainer warned (first occurrence of each kind; all are counted in the run's `health`). */
  onWarning?(job: PoolJob, message: string): void;
  /** A line of the job's training log. */
  onLog?(job: PoolJob, entry: TrainingLogEntry): void;
}

/** Options for {@link runPool}. */
export interface PoolOptions {
  /** Worker processes to run at once (at most one per job). */
  readonly concurrency: number;
  /** How to start workers. @default {@link defaultWorkerSpec} */
  readonly worker?: WorkerSpec;
  /** Aborting kills the workers; runs in flight are not reported. */
  readonly signal?: AbortSignal;
}

/**
 * The bench's own worker. Under TypeScript sources (no build) it is forked with the tsx loader and the
 * `@topiary/source` export condition, so workspace packages resolve to their sources as in the parent.
 */
export function defaultWorkerSpec(): WorkerSpec {
  const fromSource = import.meta.url.endsWith('.ts');
  const module = fileURLToPath(new URL(fromSource ? './run-worker.ts' : './run-worker.js', import.meta.url));
  if (!fromSource) return { module, execArgv: [] };
  let loader = 'tsx';
  try {
    loader = import.meta.resolve('tsx');
  } catch {
    // resolved by Node from the working directory instead
  }
  return { module, execArgv: ['--import', loader, '--conditions=@topiary/source'] };
}

const STDERR_KEEP = 8192;

/** The variable through which each worker learns its share of the cores for the WASM matrix kernels (unless set already). */
export const WASM_THREADS_VARIABLE = 'TOPIARY_WASM_THREADS';

/** Raised when a worker cannot even start (bad loader, missing module): no run could succeed. */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
}

/** One worker process and the run it holds. */
class WorkerSlot {
  private child: ChildProcess | undefined;
  private stderr = '';
  private current: PoolJob | undefined;

  constructor(
    private readonly spec: WorkerSpec,
    private readonly callbacks: PoolCallbacks,
    private readonly nextJob: () => PoolJob | undefined,
    private readonly isStopped: () => boolean,
    private readonly kernelThreads: number,
  ) {}

  /** Runs jobs until the queue is empty; resolves when the worker has exited. */
  run(): Promise<void> {
    return new Promise((resolve, reject) => {
      let ready = false;
      const child = fork(this.spec.module, [], {
        execArgv: [...this.spec.execArgv],
        // the cores are shared out between the workers: each one's WASM matrix kernels use its share
        env: { ...process.env, [WASM_THREADS_VARIABLE]: process.env[WASM_THREADS_VARIABLE] ?? String(this.kernelThreads) },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      this.child = child;
      child.stderr?.on('data', (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
      });
      const dispatch = (): void => {
        const job = this.nextJob();
        this.current = job;
        const message: ParentMessage = job ? { type: 'run', id: job.id, config: job.config, plugins: job.plugins ?? [] } : { type: 'stop' };
        if (job) this.callbacks.onStart(job);
        child.send(message);
      };
      child.on('message', (message: WorkerMessage) => {
        try {
          switch (message.type) {
            case 'ready':
              ready = true;
              dispatch();
              break;
            case 'progress':
              if (this.current?.id === message.id) this.callbacks.onProgress(this.current, message.progress);
              break;
            case 'warning':
              if (this.current?.id === message.id) this.callbacks.onWarning?.(this.current, message.message);
              break;
            case 'log':
              if (this.current?.id === message.id) this.callbacks.onLog?.(this.current, message.entry);
              break;
            case 'done':
            case 'failed': {
              const job = this.current;
              this.current = undefined;
              if (job?.id === message.id) {
                if (message.type === 'done') this.callbacks.onDone(job, message.measurements);
                else this.callbacks.onFailed(job, message.error);
              }
              dispatch();
              break;
            }
          }
        } catch (error) {
          reject(error);
        }
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        this.child = undefined;
        const job = this.current;
        this.current = undefined;
        if (this.isStopped()) {
          resolve();
          return;
        }
        const why = `worker exited (${signal ?? `code ${code}`})${this.stderr ? `:\n${this.stderr.trim()}` : ''}`;
        if (!ready) {
          reject(new WorkerStartError(`a bench worker could not start: ${why}`));
          return;
        }
        if (job) {
          this.callbacks.onFailed(job, why);
          this.stderr = '';
          this.run().then(resolve, reject);
          return;
        }
        resolve();
      });
    });
  }

  /** Kills the worker now. */
  kill(): void {
    this.child?.kill('SIGKILL');
  }
}

/**
 * Runs jobs in up to `concurrency` worker processes (child_process.fork), one job per worker at a time,
 * starting a fresh worker when one dies. Resolves once every job has finished or failed; resolves early
 * with `aborted: true` when the signal fires.
 */
export async function runPool(jobs: readonly PoolJob[], options: PoolOptions, callbacks: PoolCallbacks): Promise<{ aborted: boolean }> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
  }
  const queue = [...jobs];
  const spec = options.worker ?? defaultWorkerSpec();
  if (options.signal?.aborted) return { aborted: true };
  let stopped = false;
  let aborted = false;
  const count = Math.min(options.concurrency, queue.length);
  const kernelThreads = Math.max(1, Math.floor(availableParallelism() / Math.max(1, count)));
  const slots = Array.from({ length: count }, () => new WorkerSlot(spec, callbacks, () => queue.shift(), () => stopped, kernelThreads));
  const stopAll = (): void => {
    stopped = true;
    queue.length = 0;
    slots.forEach((slot) => slot.kill());
  };
  const onAbort = (): void => {
    aborted = true;
    stopAll();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(
      slots.map((slot) =>
        slot.run().catch((error: unknown) => {
          stopAll();
          throw error;
        }),
      ),
    ).catch((error: unknown) => {
      if (!aborted) throw error;
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return { aborted };
}
