import type { KernelRuntime } from '../native/kernel-runtime.js';

/** The fused activations the kernels apply in their epilogue (the others fall back to tfjs's kernel). */
export const FUSED_ACTIVATIONS = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3 } as const;

/** A fused activation the kernels apply. */
export type FusedActivation = keyof typeof FUSED_ACTIVATIONS;

/** Below this many multiply-adds a job runs on one thread: waking the others would cost more than it saves. */
export const PARALLEL_MIN_MACS = 1 << 18;

/** Columns of C per task (assembly/gemm.ts NR). */
const NR = 8;
const KIND_GEMM = 1;
/** Split the inner dimension when a product has fewer column panels than this… */
const SPLIT_BELOW_TASKS = 8;
/** …and its inner dimension is at least this long, into chunks of about this length. */
const SPLIT_K_CHUNK = 2048;
const MAX_K_CHUNKS = 16;

/** Rounds a byte count up to a cache line. */
export const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** A product C[b] = act(op(A)[b] · op(B)[b] + bias) whose operands already lie in the kernels' memory. */
export interface GemmJob {
  /** Rows of C. */
  readonly m: number;
  /** Columns of C. */
  readonly n: number;
  /** The inner dimension. */
  readonly k: number;
  /** Output batches. */
  readonly batches: number;
  /** Byte address of A and its element strides along i and along k. */
  readonly a: number;
  readonly aStrides: readonly [number, number];
  /** Byte address of B and its element strides along k and along j. */
  readonly b: number;
  readonly bStrides: readonly [number, number];
  /** Byte address of C (row-major, batches × m × n). */
  readonly c: number;
  /** Byte address of the batch table (per output batch: byte offsets of its A and its B). */
  readonly table: number;
  /** Byte address of the bias (n values, readable up to the next multiple of 8), or 0. */
  readonly bias: number;
  /** Activation applied last. */
  readonly activation: FusedActivation;
  /** Slope of leakyrelu below zero. */
  readonly alpha: number;
}

/** Rows of C per task: tall products are cut into blocks of this many rows (assembly/gemm.ts P_ROW_BLOCK). */
const ROW_BLOCK = 256;

/** Rows per task for a product of m rows: one block up to twice {@link ROW_BLOCK}, else blocks of it. */
function rowBlock(m: number): number {
  return m > 2 * ROW_BLOCK ? ROW_BLOCK : Math.ceil(m / 4) * 4;
}

/** How a product is split along its inner dimension: a function of its shape alone, so results never depend on threads. */
export function kChunks(job: Pick<GemmJob, 'm' | 'n' | 'k' | 'batches' | 'bias' | 'activation'>): { chunks: number; chunk: number } {
  const panels = Math.ceil(job.n / NR) * job.batches * Math.ceil(job.m / rowBlock(job.m));
  const fusable = job.bias === 0 && job.activation === 'linear';
  if (!fusable || panels >= SPLIT_BELOW_TASKS || job.k < 2 * SPLIT_K_CHUNK) return { chunks: 1, chunk: job.k };
  const chunks = Math.min(MAX_K_CHUNKS, Math.ceil(job.k / SPLIT_K_CHUNK));
  return { chunks, chunk: Math.ceil(job.k / chunks) };
}

/** Bytes of scratch a product needs beyond its operands: a packing buffer per thread and, when split, the partial products. */
export function gemmScratchBytes(job: Pick<GemmJob, 'm' | 'n' | 'k' | 'batches' | 'bias' | 'activation'>, threads: number): number {
  const { chunks, chunk } = kChunks(job);
  const partials = chunks === 1 ? 0 : align(chunks * job.batches * job.m * job.n * 4);
  return partials + align(chunk * NR * 4) * threads;
}

const floatBits = new Int32Array(1);
const floatView = new Float32Array(floatBits.buffer);

/**
 * Runs a product on the kernels' threads with `scratch` bytes from address `scratchAt` ({@link gemmScratchBytes});
 * a product split along k sums its partial products into C afterwards, in chunk order.
 */
export function runGemm(runtime: KernelRuntime, job: GemmJob, scratchAt: number): void {
  const { chunks, chunk } = kChunks(job);
  const panels = Math.ceil(job.n / NR);
  const rows = rowBlock(job.m);
  const rowBlocks = Math.ceil(job.m / rows);
  const outputs = job.batches * job.m * job.n;
  const partials = chunks === 1 ? 0 : scratchAt;
  const pack = scratchAt + (chunks === 1 ? 0 : align(chunks * outputs * 4));
  const macs = job.m * job.n * job.k * job.batches;
  floatView[0] = job.alpha;
  runtime.run(
    [
      KIND_GEMM, job.batches * panels * rowBlocks * chunks, job.m, job.n, job.k,
      job.a, job.aStrides[0], job.aStrides[1],
      job.b, job.bStrides[0], job.bStrides[1],
      job.c, job.bias, FUSED_ACTIVATIONS[job.activation], floatBits[0]!,
      job.table, panels, pack, align(chunk * NR * 4),
      0, chunks === 1 ? 0 : chunk, chunks, partials, rows,
    ],
    macs >= PARALLEL_MIN_MACS ? runtime.activeThreads : 1,
  );
  if (chunks > 1) {
    const f32 = runtime.f32;
    const c = job.c / 4;
    const first = partials / 4;
    f32.copyWithin(c, first, first + outputs);
    for (let part = 1; part < chunks; part++) {
      const from = first + part * outputs;
      for (let i = 0; i < outputs; i++) f32[c + i]! += f32[from + i]!;
    }
  }
}
