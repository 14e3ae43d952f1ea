// One instance of the sparse kernels (assembly/, WebAssembly SIMD) and its memory: single-threaded, or the threaded
// build on shared memory with kernel threads beside the caller's (@topiary/core's startKernelPool), which run a
// product as one job (assembly/jobs.ts). The resident CSR structures lie from DATA_BASE (resident-csr.ts); above
// them products lay their operands out with a Layout, reserve that much memory (it grows, never shrinks), copy the
// operands in, call the kernels and copy the result out.
import { decodeBase64, JOB_TIMEOUT_MS, sharedMemorySupport, startKernelPool, type KernelThread } from '@topiary/core';
import { SPARSE_KERNELS_BASE64, SPARSE_KERNELS_MAXIMUM_PAGES, SPARSE_THREADED_KERNELS_BASE64 } from './sparse-binary.js';

const PAGE = 65536;
/** First byte operands are laid out from: everything below is left to the module. */
export const DATA_BASE = 65536;
const INITIAL_PAGES = 2;
/** Byte address of a job's parameters (assembly/layout.ts PARAMS). */
const PARAMS = 1088;
/** Job kinds (assembly/layout.ts KIND_*). */
export const JOB_SCATTER = 1;
/** The input gradient's job: bands of rows. */
export const JOB_GATHER = 2;
/** The sampled gradient's job: bands of rows. */
export const JOB_SAMPLED = 3;

/** The parameters of one threaded product (assembly/layout.ts P_*): byte addresses and element counts. */
export interface JobParams {
  /** JOB_SCATTER, JOB_GATHER or JOB_SAMPLED. */
  readonly kind: number;
  /** Compressed rows (the kernel's inputs). */
  readonly rows: number;
  /** Row pointers. */
  readonly ptr: number;
  /** Column indices. */
  readonly idx: number;
  /** Values (0 for the sampled gradient). */
  readonly values: number;
  /** Scatter: Xᵀ; gather: dYᵀ; sampled: Xᵀ. */
  readonly src: number;
  /** Scatter: Yᵀ; gather: dXᵀ; sampled: dYᵀ. */
  readonly dst: number;
  /** Floats per batch-inner row. */
  readonly width: number;
  /** Scatter: the rows of Yᵀ (0 otherwise). */
  readonly dstRows: number;
  /** Sampled: the nnz results (0 otherwise). */
  readonly out: number;
}

/** The kernels' exports: byte addresses and element counts (assembly/index.ts). */
export interface SparseKernelExports {
  /** dst[r, :] = Σ_k values[k] · src[idx[k], :] (assembly/gather.ts). */
  gatherRows(rows: number, ptr: number, idx: number, values: number, src: number, dst: number, width: number): void;
  /** dst = 0, then dst[idx[k], :] += values[k] · src[r, :] (assembly/scatter.ts). */
  scatterRows(rows: number, ptr: number, idx: number, values: number, src: number, dst: number, width: number, dstRows: number): void;
  /** out[k] = a[r, :] · c[idx[k], :] (assembly/sampled.ts). */
  sampledDots(rows: number, ptr: number, idx: number, a: number, c: number, out: number, width: number): void;
  /** [batch, n] → [n, width], zero-padded (assembly/transpose.ts). */
  toBatchInner(src: number, dst: number, batch: number, n: number, width: number): void;
  /** [n, width] → [batch, n] (assembly/transpose.ts). */
  fromBatchInner(src: number, dst: number, batch: number, n: number, width: number): void;
}

/** The threaded build's job exports (assembly/threaded.ts). */
interface JobExports {
  runJob(timeoutMs: number): number;
  stopWorkers(): void;
}

/** Byte offsets of a product's operands in the module's memory, each 16-byte aligned, from {@link DATA_BASE}. */
export class Layout {
  /** One past the last byte placed so far. */
  end: number;

  /** A layout from byte `start` (16-byte aligned; default {@link DATA_BASE}). */
  constructor(start: number = DATA_BASE) {
    this.end = start;
  }

  /** Places `bytes` bytes and returns their offset. */
  place(bytes: number): number {
    const at = this.end;
    this.end = at + Math.ceil(bytes / 16) * 16;
    return at;
  }
}

/** What starting the kernels gave: the runtime, or why there is none. */
export type WasmStart = { readonly runtime: SparseWasmRuntime; readonly reason?: undefined } | { readonly runtime?: undefined; readonly reason: string };

/** What {@link SparseWasmRuntime.start} gives when `bytes` cannot run here, or undefined when they can. */
function unavailable(bytes: Uint8Array): string | undefined {
  if (typeof WebAssembly !== 'object') return 'this JavaScript runtime has no WebAssembly';
  if (!WebAssembly.validate(bytes as BufferSource)) {
    return 'the sparse kernels do not validate here: this WebAssembly runtime lacks SIMD (fixed-width 128-bit), which they need';
  }
  return undefined;
}

const clock = typeof performance === 'object' ? () => performance.now() : () => Date.now();

/** The compiled sparse kernels, their memory and typed views of it, and the kernel threads of the threaded build. */
export class SparseWasmRuntime {
  /** The kernels. */
  readonly kernels: SparseKernelExports;
  private threadCount: number;
  private note: string | undefined;
  private readonly memory: WebAssembly.Memory;
  private readonly jobs: JobExports | undefined;
  private readonly workers: KernelThread[];
  private f32View: Float32Array;
  private i32View: Int32Array;

  private constructor(memory: WebAssembly.Memory, kernels: SparseKernelExports, workers: KernelThread[] = [], note?: string) {
    this.memory = memory;
    this.kernels = kernels;
    this.jobs = workers.length > 0 ? (kernels as unknown as JobExports) : undefined;
    this.workers = workers;
    this.threadCount = workers.length + 1;
    this.note = note;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
  }

  /**
   * Compiles the threaded build on shared memory and starts `threads` − 1 kernel threads beside the caller's
   * (`threads` ≥ 2). Where memory cannot be shared, or no thread starts, the runtime runs on one thread with the
   * reason in `threadNote`; says why when this runtime has no WebAssembly SIMD at all.
   */
  static async startThreaded(threads: number, isNode: boolean): Promise<WasmStart> {
    const shared = sharedMemorySupport(isNode);
    if (!shared.ok) return SparseWasmRuntime.withNote(SparseWasmRuntime.start(), shared.reason);
    const bytes = decodeBase64(SPARSE_THREADED_KERNELS_BASE64);
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes as BufferSource)) {
      return SparseWasmRuntime.withNote(SparseWasmRuntime.start(), 'the threaded sparse kernels do not validate here (this WebAssembly runtime lacks threads or SIMD)');
    }
    try {
      const module = await WebAssembly.compile(bytes as BufferSource);
      const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: SPARSE_KERNELS_MAXIMUM_PAGES, shared: true });
      const instance = await WebAssembly.instantiate(module, { env: { memory, now: clock } });
      const pool = await startKernelPool(threads - 1, module, memory, isNode);
      return { runtime: new SparseWasmRuntime(memory, instance.exports as unknown as SparseKernelExports, pool.workers, pool.note) };
    } catch (error) {
      return SparseWasmRuntime.withNote(SparseWasmRuntime.start(), `the threaded sparse kernels did not start (${error instanceof Error ? error.message : String(error)})`);
    }
  }

  /** A single-threaded start with `note` saying why it is single-threaded. */
  private static async withNote(start: Promise<WasmStart>, note: string): Promise<WasmStart> {
    const started = await start;
    if (started.runtime !== undefined) started.runtime.note = `${note}, so the sparse products run on one thread`;
    return started;
  }

  /** Compiles and instantiates `bytes` (default: the shipped kernels); says why when this runtime cannot. */
  static async start(bytes?: Uint8Array): Promise<WasmStart> {
    if (typeof WebAssembly !== 'object') return { reason: 'this JavaScript runtime has no WebAssembly' };
    bytes ??= decodeBase64(SPARSE_KERNELS_BASE64);
    const reason = unavailable(bytes);
    if (reason !== undefined) return { reason };
    try {
      const module = await WebAssembly.compile(bytes as BufferSource);
      const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: SPARSE_KERNELS_MAXIMUM_PAGES });
      const instance = await WebAssembly.instantiate(module, { env: { memory } });
      return { runtime: new SparseWasmRuntime(memory, instance.exports as unknown as SparseKernelExports) };
    } catch (error) {
      return { reason: `the sparse kernels did not start: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** Threads that run a product, the caller's own included (1 once the threads are stopped or one stopped answering). */
  get threads(): number {
    return this.threadCount;
  }

  /** Why fewer threads run than were asked for, when so. */
  get threadNote(): string | undefined {
    return this.note;
  }

  /** Bytes of memory the module holds now. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Makes the memory at least `bytes` long; throws a RangeError naming the need when that exceeds the maximum. */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > SPARSE_KERNELS_MAXIMUM_PAGES) {
        throw new RangeError(`sparse kernels: the operands need ${bytes} bytes of WebAssembly memory, more than its maximum of ${SPARSE_KERNELS_MAXIMUM_PAGES * PAGE}`);
      }
      this.memory.grow(pages);
    }
    // a shared memory's buffer is a new object on every read: compare lengths
    if (this.f32View.buffer.byteLength !== this.memory.buffer.byteLength) {
      this.f32View = new Float32Array(this.memory.buffer);
      this.i32View = new Int32Array(this.memory.buffer);
    }
  }

  /** Copies `source` to byte `offset` as float32. */
  putF32(offset: number, source: Float32Array): void {
    this.f32View.set(source, offset >> 2);
  }

  /** Copies `source` to byte `offset` as int32. */
  putI32(offset: number, source: Int32Array): void {
    this.i32View.set(source, offset >> 2);
  }

  /** Copies `bytes` bytes (a multiple of 4) from byte `source` to byte `target` inside the memory; the ranges may overlap. */
  moveBytes(target: number, source: number, bytes: number): void {
    this.i32View.copyWithin(target >> 2, source >> 2, (source + bytes) >> 2);
  }

  /** Copies `target.length` floats from byte `offset` into `target`. */
  getF32(offset: number, target: Float32Array): void {
    target.set(this.f32View.subarray(offset >> 2, (offset >> 2) + target.length));
  }

  /**
   * Runs one product as a job on `tasks` threads (2 … {@link SparseWasmRuntime.threads}, one task each); false when
   * a thread stopped answering: the threads are then stopped, `threads` is 1 and `threadNote` says why, and the
   * caller computes the product on its own thread (every output element is rewritten, so nothing half-done stays).
   */
  run(job: JobParams, tasks: number): boolean {
    if (this.jobs === undefined || tasks > this.threads) throw new Error(`sparse kernels: a job on ${tasks} threads, but ${this.threads} run`);
    this.i32View.set([job.kind, tasks, tasks, job.rows, job.ptr, job.idx, job.values, job.src, job.dst, job.width, job.dstRows, job.out], PARAMS / 4);
    if (this.jobs.runJob(JOB_TIMEOUT_MS) === 1) return true;
    this.stop(`a sparse kernel thread stopped answering for ${JOB_TIMEOUT_MS / 1000} s, so the sparse products run on one thread`);
    console.warn(`[topiary] ${this.threadNote}`);
    return false;
  }

  /** Ends the kernel threads (the products then run on the caller's thread); `note` says why, when not asked for. */
  stop(note?: string): void {
    if (this.jobs === undefined || this.threads === 1) return;
    this.jobs.stopWorkers();
    this.workers.forEach((w) => w.terminate());
    this.workers.length = 0;
    this.threadCount = 1;
    this.note = note ?? 'the sparse kernel threads were stopped';
  }
}
