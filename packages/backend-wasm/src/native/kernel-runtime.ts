import { decodeBase64, JOB_TIMEOUT_MS, logicalCores, sharedMemorySupport, startKernelPool, type KernelThread } from '@topiary/core';
import { KERNEL_MAXIMUM_PAGES, SINGLE_THREAD_KERNELS_BASE64, THREADED_KERNELS_BASE64 } from './kernel-binaries.js';

/** Byte address of the job parameters (assembly/layout.ts PARAMS). */
const PARAMS = 1088;
/** First byte the host lays operands out from (assembly/layout.ts DATA_BASE). */
export const DATA_BASE = 65536;
const PAGE = 65536;
interface KernelExports {
  runJob(timeoutMs: number): number;
  stopWorkers(): void;
}


const clock = typeof performance === 'object' ? () => performance.now() : () => Date.now();

/**
 * Topiary's WebAssembly kernels, started once per process or page: the compiled module, its memory (shared when
 * threads run) and the kernel threads. Kernels lay their operands out from {@link DATA_BASE}, write the job's
 * parameters and call {@link KernelRuntime.run}; every thread, the caller's included, claims tasks until the job is done.
 */
export class KernelRuntime {
  /** Threads that can take part in a job, the caller's own included. */
  readonly threads: number;
  /** Why fewer threads run than were asked for, when so. */
  readonly threadNote: string | undefined;
  private readonly memory: WebAssembly.Memory;
  private readonly exports: KernelExports;
  private readonly workers: KernelThread[];
  private f32View: Float32Array;
  private i32View: Int32Array;
  private active: number;
  private broken: string | undefined;

  private constructor(memory: WebAssembly.Memory, exports: KernelExports, workers: KernelThread[], note: string | undefined) {
    this.memory = memory;
    this.exports = exports;
    this.workers = workers;
    this.threads = workers.length + 1;
    this.threadNote = note;
    this.active = this.threads;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
  }

  /**
   * Compiles the kernels and starts `requested` threads in all (default: every logical core). Throws when this
   * runtime has no WebAssembly SIMD; where memory cannot be shared, runs one thread and says why in `threadNote`.
   */
  static async start(requested: number | undefined, isNode: boolean): Promise<KernelRuntime> {
    const wanted = requested ?? (await logicalCores(isNode));
    const shared = wanted > 1 ? sharedMemorySupport(isNode) : ({ ok: false, reason: undefined } as const);
    const bytes = decodeBase64(shared.ok ? THREADED_KERNELS_BASE64 : SINGLE_THREAD_KERNELS_BASE64);
    if (!WebAssembly.validate(bytes as BufferSource)) {
      throw new Error('Topiary kernels: this WebAssembly runtime lacks SIMD (or threads), which the kernels need');
    }
    const module = await WebAssembly.compile(bytes as BufferSource);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: KERNEL_MAXIMUM_PAGES, shared: shared.ok });
    const instance = await WebAssembly.instantiate(module, { env: { memory, now: clock } });
    const exports = instance.exports as unknown as KernelExports;
    if (!shared.ok) return new KernelRuntime(memory, exports, [], shared.reason);
    const pool = await startKernelPool(wanted - 1, module, memory, isNode);
    return new KernelRuntime(memory, exports, pool.workers, pool.note);
  }

  /** Threads the next jobs use (1 … {@link KernelRuntime.threads}). */
  get activeThreads(): number {
    return this.active;
  }

  /** Uses only the first `count` threads from now on (for thread-scaling measurements); the rest stay idle. */
  setActiveThreads(count: number): void {
    if (!Number.isInteger(count) || count < 1 || count > this.threads) {
      throw new Error(`Topiary kernels: active threads must be an integer in [1, ${this.threads}] (got ${count})`);
    }
    this.active = count;
  }

  /** Why the kernels stopped, when a thread stopped answering; kernels then fall back to tfjs's own. */
  get failure(): string | undefined {
    return this.broken;
  }

  /** Makes the memory at least `bytes` long; false when that exceeds the kernels' maximum memory. */
  reserve(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > KERNEL_MAXIMUM_PAGES) return false;
      this.memory.grow(pages);
    }
    if (this.f32View.buffer.byteLength !== this.memory.buffer.byteLength || this.f32View.length === 0) {
      this.f32View = new Float32Array(this.memory.buffer);
      this.i32View = new Int32Array(this.memory.buffer);
    }
    return true;
  }

  /** The memory as float32, valid until the next {@link KernelRuntime.reserve}. */
  get f32(): Float32Array {
    return this.f32View;
  }

  /** The memory as int32, valid until the next {@link KernelRuntime.reserve}. */
  get i32(): Int32Array {
    return this.i32View;
  }

  /** Writes the job's parameters (i32 slots of assembly/layout.ts) and runs it on `threads` threads. */
  run(params: readonly number[], threads: number): void {
    const slots = [...params];
    slots[19] = Math.max(1, Math.min(threads, this.active));
    this.i32View.set(slots, PARAMS / 4);
    if (this.exports.runJob(JOB_TIMEOUT_MS) !== 1) {
      this.broken = `a kernel thread stopped answering for ${JOB_TIMEOUT_MS / 1000} s`;
      this.stop();
      throw new Error(`Topiary kernels: ${this.broken}; the kernels are off for the rest of this process, tfjs's own run instead`);
    }
  }

  /** Ends the kernel threads. */
  stop(): void {
    this.exports.stopWorkers();
    this.workers.forEach((w) => w.terminate());
    this.workers.length = 0;
    this.active = 1;
  }
}
