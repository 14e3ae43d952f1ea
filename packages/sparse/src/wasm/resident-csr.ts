// The CSR structures (row pointers and column indices) kept in module memory between product calls, keyed by the
// identity of their arrays: the engine hands the products the same structure every step (`withValues` shares the
// arrays), and makes new arrays only at mask updates. The resident area lies from DATA_BASE up, below every
// product's scratch; it holds at most `maxStructures` structures and `maxBytes` bytes, and when a new structure
// does not fit the least recently used ones are dropped and the rest moved down (no holes), so the area never
// exceeds its limits however many structures come and go.
import { check } from '@topiary/core';
import type { SparseKernel } from '../kernel/sparse-kernel.js';
import { DATA_BASE, type SparseWasmRuntime } from './wasm-runtime.js';

/** Limits of the resident area of {@link ResidentCsr}. */
export interface ResidentCsrOptions {
  /** Most structures held at once (default {@link DEFAULT_RESIDENT_STRUCTURES}); 0 holds none (every call copies). */
  readonly maxStructures?: number;
  /** Most bytes held at once (default {@link DEFAULT_RESIDENT_BYTES}); a structure larger alone is copied per call. */
  readonly maxBytes?: number;
}

/** Default number of structures resident at once: a few layers of one or two engines, and the next structures of a mask update. */
export const DEFAULT_RESIDENT_STRUCTURES = 8;
/** Default byte budget of the resident area (256 MiB, an eighth of the module's maximum memory). */
export const DEFAULT_RESIDENT_BYTES = 256 * 1024 * 1024;

/** Where a structure's row pointers and column indices lie in module memory. */
export interface PlacedStructure {
  /** Byte offset of the row pointers (inputs + 1 int32). */
  readonly ptr: number;
  /** Byte offset of the column indices (nnz int32). */
  readonly idx: number;
}

/** One resident structure. */
interface Entry {
  ptr: number;
  idx: number;
  /** Bytes it takes in the area (both arrays, each 16-byte aligned). */
  readonly bytes: number;
  /** The call count at its last use (least recently used first out). */
  lastUse: number;
  /** False once dropped: a stale entry still in the weak map is a miss. */
  resident: boolean;
}

/** `bytes` rounded up to 16. */
const aligned = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/** The bytes a kernel's structure takes in the resident area. */
export const structureBytes = (kernel: SparseKernel): number => aligned(4 * (kernel.inputs + 1)) + aligned(4 * kernel.nnz);

/** Checks a limit: an integer ≥ 0. */
function checkLimit(value: number, field: string): void {
  check(Number.isSafeInteger(value) && value >= 0, `wasmProducts: ${field}`, value, 'an integer ≥ 0');
}

/** The resident CSR structures of one runtime: where each lies, which to drop, and where the scratch area starts. */
export class ResidentCsr {
  /** Most structures held at once. */
  readonly maxStructures: number;
  /** Most bytes held at once. */
  readonly maxBytes: number;
  private readonly runtime: SparseWasmRuntime;
  /** rowPointers → columnIndices → entry; weak, so that a structure no one holds can be collected. */
  private readonly byArrays = new WeakMap<Int32Array, WeakMap<Int32Array, Entry>>();
  /** The resident entries in address order, packed from DATA_BASE. */
  private entries: Entry[] = [];
  private top = DATA_BASE;
  private clock = 0;

  constructor(runtime: SparseWasmRuntime, options: ResidentCsrOptions = {}) {
    this.runtime = runtime;
    this.maxStructures = options.maxStructures ?? DEFAULT_RESIDENT_STRUCTURES;
    this.maxBytes = options.maxBytes ?? DEFAULT_RESIDENT_BYTES;
    checkLimit(this.maxStructures, 'maxStructures');
    checkLimit(this.maxBytes, 'maxBytes');
  }

  /** First byte after the resident area, 16-byte aligned: where a product's scratch starts. */
  get end(): number {
    return this.top;
  }

  /** Structures resident now. */
  get structures(): number {
    return this.entries.length;
  }

  /** Bytes the resident structures take now. */
  get bytes(): number {
    return this.top - DATA_BASE;
  }

  /**
   * Where the kernel's row pointers and column indices lie, copied in only when these arrays are not resident
   * already; undefined when the structure cannot be resident (over the limits alone): the caller copies it into
   * its scratch. The arrays must not be modified in place after a product has seen them (SparseKernel's
   * structure is immutable).
   */
  place(kernel: SparseKernel): PlacedStructure | undefined {
    const bytes = structureBytes(kernel);
    if (this.maxStructures === 0 || bytes > this.maxBytes) return undefined;
    this.clock++;
    const byColumns = this.byArrays.get(kernel.rowPointers);
    const hit = byColumns?.get(kernel.columnIndices);
    if (hit !== undefined && hit.resident) {
      hit.lastUse = this.clock;
      return hit;
    }
    this.makeRoom(bytes);
    const ptr = this.top;
    const entry: Entry = { ptr, idx: ptr + aligned(4 * (kernel.inputs + 1)), bytes, lastUse: this.clock, resident: true };
    this.runtime.reserve(ptr + bytes);
    this.runtime.putI32(entry.ptr, kernel.rowPointers);
    this.runtime.putI32(entry.idx, kernel.columnIndices);
    this.top = ptr + bytes;
    this.entries.push(entry);
    if (byColumns !== undefined) byColumns.set(kernel.columnIndices, entry);
    else this.byArrays.set(kernel.rowPointers, new WeakMap([[kernel.columnIndices, entry]]));
    return entry;
  }

  /** Drops least recently used structures until one more of `bytes` fits, then packs the rest down from DATA_BASE. */
  private makeRoom(bytes: number): void {
    let held = this.top - DATA_BASE;
    if (this.entries.length < this.maxStructures && held + bytes <= this.maxBytes) return;
    const byAge = [...this.entries].sort((a, b) => a.lastUse - b.lastUse);
    for (let dropped = 0; dropped < byAge.length; dropped++) {
      if (byAge.length - dropped < this.maxStructures && held + bytes <= this.maxBytes) break;
      byAge[dropped]!.resident = false;
      held -= byAge[dropped]!.bytes;
    }
    let at = DATA_BASE;
    const kept: Entry[] = [];
    for (const entry of this.entries) {
      if (!entry.resident) continue;
      if (entry.ptr !== at) {
        this.runtime.moveBytes(at, entry.ptr, entry.bytes);
        entry.idx = at + (entry.idx - entry.ptr);
        entry.ptr = at;
      }
      at += entry.bytes;
      kept.push(entry);
    }
    this.entries = kept;
    this.top = at;
  }
}
