// One instance of the sparse kernels (assembly/, single-threaded WebAssembly SIMD) and its memory. The resident
// CSR structures lie from DATA_BASE (resident-csr.ts); above them products lay their operands out with a Layout,
// reserve that much memory (it grows, never shrinks), copy the operands in, call the kernels and copy the result
// out.
import { decodeBase64 } from '@topiary/core';
import { SPARSE_KERNELS_BASE64, SPARSE_KERNELS_MAXIMUM_PAGES } from './sparse-binary.js';

const PAGE = 65536;
/** First byte operands are laid out from: everything below is left to the module. */
export const DATA_BASE = 65536;
const INITIAL_PAGES = 2;

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

/** The compiled sparse kernels, their memory and typed views of it. */
export class SparseWasmRuntime {
  /** The kernels. */
  readonly kernels: SparseKernelExports;
  private readonly memory: WebAssembly.Memory;
  private f32View: Float32Array;
  private i32View: Int32Array;

  private constructor(memory: WebAssembly.Memory, kernels: SparseKernelExports) {
    this.memory = memory;
    this.kernels = kernels;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
  }

  /** Compiles and instantiates `bytes` (default: the shipped kernels); says why when this runtime cannot. */
  static async start(bytes: Uint8Array = decodeBase64(SPARSE_KERNELS_BASE64)): Promise<WasmStart> {
    if (typeof WebAssembly !== 'object') return { reason: 'this JavaScript runtime has no WebAssembly' };
    if (!WebAssembly.validate(bytes as BufferSource)) {
      return { reason: 'the sparse kernels do not validate here: this WebAssembly runtime lacks SIMD (fixed-width 128-bit), which they need' };
    }
    try {
      const module = await WebAssembly.compile(bytes as BufferSource);
      const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: SPARSE_KERNELS_MAXIMUM_PAGES });
      const instance = await WebAssembly.instantiate(module, { env: { memory } });
      return { runtime: new SparseWasmRuntime(memory, instance.exports as unknown as SparseKernelExports) };
    } catch (error) {
      return { reason: `the sparse kernels did not start: ${error instanceof Error ? error.message : String(error)}` };
    }
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
    if (this.f32View.buffer !== this.memory.buffer) {
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
}
