// The three products on the WebAssembly SIMD kernels. Each call finds the kernel's CSR structure (row pointers
// and column indices) resident in module memory, or copies it there once (resident-csr.ts: keyed by the identity
// of the arrays, so the engine's `withValues` kernels of one layer share one copy until the next mask update),
// copies the values (every call: an optimiser step changes them in place) and the operands (batch-inner, the batch
// padded to a multiple of 4 so that every row is whole f32x4 vectors) into the scratch area above the resident
// one, runs the same scatter / gather / sampled-dot steps as the TypeScript products and copies the result out.
// On a threaded runtime a product large enough runs as one job on several threads (assembly/jobs.ts: the forward
// scatter over slices of the batch lanes, the input and sampled gradients over bands of rows), each output element
// summed by one thread in the single-threaded order, so the results are bitwise those of one thread.
// Nothing of the dense kernel's size is placed: memory is O(nnz of the resident structures + nnz + batch · (inputs
// + outputs)).
import { check } from '@topiary/core';
import type { SparseKernel } from '../kernel/sparse-kernel.js';
import { checkBackwardInput, checkForward, checkSampledGradient } from '../products/check-operands.js';
import type { SparseProducts } from '../products/sparse-products.js';
import { ResidentCsr, type PlacedStructure, type ResidentCsrOptions } from './resident-csr.js';
import { JOB_GATHER, JOB_SAMPLED, JOB_SCATTER, Layout, type JobParams, type SparseWasmRuntime } from './wasm-runtime.js';

/** The batch rounded up to whole f32x4 vectors. */
export const paddedWidth = (batch: number): number => Math.ceil(batch / 4) * 4;

/** Where a kernel's CSR arrays lie in module memory for one call. */
interface PlacedCsr {
  readonly ptr: number;
  readonly idx: number;
  /** The values' offset, or -1 when the product does not read them (the sampled gradient). */
  readonly values: number;
  /** Whether the row pointers and column indices still have to be copied (a structure that cannot be resident). */
  readonly copyStructure: boolean;
}

/**
 * Places the kernel's CSR arrays for one call: the structure where `structure` says it is resident, or in the
 * scratch `at` when it cannot be; the values, when `withValues`, always in the scratch.
 */
function placeCsr(at: Layout, kernel: SparseKernel, withValues: boolean, structure: PlacedStructure | undefined): PlacedCsr {
  const ptr = structure?.ptr ?? at.place(4 * (kernel.inputs + 1));
  const idx = structure?.idx ?? at.place(4 * kernel.nnz);
  return { ptr, idx, values: withValues ? at.place(4 * kernel.nnz) : -1, copyStructure: structure === undefined };
}

/** Copies the values and, when not resident, the structure in (after `reserve`). */
function putCsr(runtime: SparseWasmRuntime, kernel: SparseKernel, csr: PlacedCsr): void {
  if (csr.copyStructure) {
    runtime.putI32(csr.ptr, kernel.rowPointers);
    runtime.putI32(csr.idx, kernel.columnIndices);
  }
  if (csr.values >= 0) runtime.putF32(csr.values, kernel.values);
}

/** Where an operand of `rows` features lies: as given ([batch, rows]) and batch-inner ([rows, width]). */
interface PlacedOperand {
  readonly given: number;
  readonly inner: number;
  readonly rows: number;
}

/** Places an operand of `rows` features for `batch` examples, as given and batch-inner. */
function placeOperand(at: Layout, rows: number, batch: number): PlacedOperand {
  return { given: at.place(4 * batch * rows), inner: at.place(4 * rows * paddedWidth(batch)), rows };
}

/** The WASM products and their resident structures. */
export interface WasmProducts extends SparseProducts {
  /** The CSR structures kept in module memory between calls. */
  readonly resident: ResidentCsr;
}

/** Options of {@link wasmProducts}: the resident area's limits, or an area to share, and the threads to use. */
export interface WasmProductsOptions extends ResidentCsrOptions {
  /** Most threads a product runs on (1 … the runtime's threads; default all of them). */
  readonly threads?: number;
  /** The resident area of another products object on the same runtime, to share (then no limits may be given). */
  readonly resident?: ResidentCsr;
  /** Why fewer threads run than were asked for, when the caller lowered `threads` itself. */
  readonly threadNote?: string;
  /** Fewest multiply-adds per task (default {@link MIN_TASK_WORK}; 0: every product on all the threads its parts allow). */
  readonly minTaskWork?: number;
  /**
   * Products on an unshared single-threaded instance, for the calls too small to split: copying operands into
   * shared memory is slower (about 4× for typed-array copies in V8), which costs small layers up to a third.
   */
  readonly oneTask?: SparseProducts;
}

/**
 * Fewest multiply-adds (nonzeros · batch lanes, plus the rows written) per task: 2²¹, so a product splits from about
 * 4·10⁶ multiply-adds. Below that the split does not pay in a training step: on two free cores a LeNet-300-100 layer
 * at 98% sparsity (5·10⁵ multiply-adds a product, batch 100) ran its products 0.91× as fast on two threads as on
 * one, and the whole RigL epoch took 1.5× as long (the waiting thread holds the core the host's garbage collector and
 * compiler threads use), while a 10⁷-nonzero layer at batch 32 (3·10⁸) ran 1.56× as fast
 * (`packages/sparse/scripts/thread-scaling.ts`).
 */
export const MIN_TASK_WORK = 1 << 21;

/** Tasks for a product of `work` multiply-adds on at most `threads` threads and `parts` separable parts, each task at least `minWork`. */
export function tasksFor(work: number, threads: number, parts: number, minWork: number): number {
  const byWork = minWork > 0 ? Math.floor(work / minWork) : threads;
  return Math.max(1, Math.min(threads, parts, byWork));
}

/** The products on one instance of the WASM kernels, keeping recently used CSR structures resident (`options`: its limits, the threads). */
export function wasmProducts(runtime: SparseWasmRuntime, options: WasmProductsOptions = {}): WasmProducts {
  const k = runtime.kernels;
  if (options.resident !== undefined && (options.maxStructures !== undefined || options.maxBytes !== undefined)) {
    throw new Error('wasmProducts: resident is shared, so maxStructures and maxBytes cannot be given with it');
  }
  const requested = options.threads ?? runtime.threads;
  check(Number.isSafeInteger(requested) && requested >= 1 && requested <= runtime.threads, 'wasmProducts: threads', requested, `an integer in [1, ${runtime.threads}] (the threads this runtime runs)`);
  const minWork = options.minTaskWork ?? MIN_TASK_WORK;
  check(Number.isSafeInteger(minWork) && minWork >= 0, 'wasmProducts: minTaskWork', minWork, 'an integer ≥ 0');
  const resident = options.resident ?? new ResidentCsr(runtime, options);
  const oneTask = options.oneTask;
  /** Threads now: the requested ones, fewer once the runtime's threads stopped. */
  const threads = (): number => Math.min(requested, runtime.threads);
  /** Runs `job` on `tasks` threads; false (run it on this thread) when it is one task or a thread stopped answering. */
  const threaded = (job: JobParams, tasks: number): boolean => tasks > 1 && runtime.run(job, tasks);
  /** Places the kernel's CSR arrays (the structure first: it may move the start of the scratch) and a layout of the scratch above them. */
  const layoutFor = (kernel: SparseKernel, withValues: boolean): { at: Layout; csr: PlacedCsr } => {
    const structure = resident.place(kernel);
    const at = new Layout(resident.end);
    return { at, csr: placeCsr(at, kernel, withValues, structure) };
  };
  /** Copies an operand in and lays it out batch-inner (after `reserve`). */
  const putOperand = (operand: PlacedOperand, data: Float32Array, batch: number): void => {
    runtime.putF32(operand.given, data);
    k.toBatchInner(operand.given, operand.inner, batch, operand.rows, paddedWidth(batch));
  };
  /** Lays a batch-inner result out as [batch, rows] and copies it out. */
  const getOperand = (operand: PlacedOperand, batch: number, out: Float32Array | undefined): Float32Array => {
    k.fromBatchInner(operand.inner, operand.given, batch, operand.rows, paddedWidth(batch));
    const result = out ?? new Float32Array(batch * operand.rows);
    runtime.getF32(operand.given, result);
    return result;
  };
  return {
    implementation: 'wasm',
    fallbackReason: undefined,
    get threads(): number {
      return threads();
    },
    get threadNote(): string | undefined {
      return runtime.threads < requested ? runtime.threadNote : options.threadNote;
    },
    resident,
    forward(kernel: SparseKernel, x: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkForward(kernel, x, batch, out);
      const width = paddedWidth(batch);
      const tasks = tasksFor((kernel.nnz + kernel.outputs) * width, threads(), width / 4, minWork);
      if (tasks === 1 && oneTask !== undefined) return oneTask.forward(kernel, x, batch, out);
      const { at, csr } = layoutFor(kernel, true);
      const xs = placeOperand(at, kernel.inputs, batch);
      const ys = placeOperand(at, kernel.outputs, batch);
      runtime.reserve(at.end);
      putCsr(runtime, kernel, csr);
      putOperand(xs, x, batch);
      // Yᵀ[o, :] = Σ_i W(i, o) · Xᵀ[i, :], row i of W scattering into the rows of Yᵀ it reaches
      const job = { kind: JOB_SCATTER, rows: kernel.inputs, ptr: csr.ptr, idx: csr.idx, values: csr.values, src: xs.inner, dst: ys.inner, width, dstRows: kernel.outputs, out: 0 };
      if (!threaded(job, tasks)) k.scatterRows(kernel.inputs, csr.ptr, csr.idx, csr.values, xs.inner, ys.inner, width, kernel.outputs);
      return getOperand(ys, batch, out);
    },
    backwardInput(kernel: SparseKernel, dy: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkBackwardInput(kernel, dy, batch, out);
      const width = paddedWidth(batch);
      const tasks = tasksFor((kernel.nnz + kernel.inputs) * width, threads(), kernel.inputs, minWork);
      if (tasks === 1 && oneTask !== undefined) return oneTask.backwardInput(kernel, dy, batch, out);
      const { at, csr } = layoutFor(kernel, true);
      const dys = placeOperand(at, kernel.outputs, batch);
      const dxs = placeOperand(at, kernel.inputs, batch);
      runtime.reserve(at.end);
      putCsr(runtime, kernel, csr);
      putOperand(dys, dy, batch);
      // dXᵀ[i, :] = Σ_{o ∈ row i} W(i, o) · dYᵀ[o, :]
      const job = { kind: JOB_GATHER, rows: kernel.inputs, ptr: csr.ptr, idx: csr.idx, values: csr.values, src: dys.inner, dst: dxs.inner, width, dstRows: 0, out: 0 };
      if (!threaded(job, tasks)) k.gatherRows(kernel.inputs, csr.ptr, csr.idx, csr.values, dys.inner, dxs.inner, width);
      return getOperand(dxs, batch, out);
    },
    sampledGradient(kernel: SparseKernel, x: Float32Array, dy: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkSampledGradient(kernel, x, dy, batch, out);
      const width = paddedWidth(batch);
      const tasks = tasksFor((kernel.nnz + kernel.inputs) * width, threads(), kernel.inputs, minWork);
      if (tasks === 1 && oneTask !== undefined) return oneTask.sampledGradient(kernel, x, dy, batch, out);
      const { at, csr } = layoutFor(kernel, false);
      const xs = placeOperand(at, kernel.inputs, batch);
      const dys = placeOperand(at, kernel.outputs, batch);
      const dw = at.place(4 * kernel.nnz);
      runtime.reserve(at.end);
      putCsr(runtime, kernel, csr);
      putOperand(xs, x, batch);
      putOperand(dys, dy, batch);
      // dW(i, o) = Xᵀ[i, :] · dYᵀ[o, :] for the stored (i, o), in CSR order
      const job = { kind: JOB_SAMPLED, rows: kernel.inputs, ptr: csr.ptr, idx: csr.idx, values: 0, src: xs.inner, dst: dys.inner, width, dstRows: 0, out: dw };
      if (!threaded(job, tasks)) k.sampledDots(kernel.inputs, csr.ptr, csr.idx, xs.inner, dys.inner, dw, width);
      const result = out ?? new Float32Array(kernel.nnz);
      runtime.getF32(dw, result);
      return result;
    },
  };
}
