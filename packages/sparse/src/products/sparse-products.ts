import type { SparseKernel } from '../kernel/sparse-kernel.js';

/** Which implementation computes the products. */
export type SparseImplementation = 'wasm' | 'typescript';

/**
 * The three products of a training step of one sparse Dense layer, on row-major Float32Arrays in tfjs's layout
 * (x: [batch, inputs], y and dy: [batch, outputs]). No product allocates a buffer of the dense kernel's size
 * (inputs · outputs); each works in time proportional to batch · nnz plus the size of its operands. `out`, when
 * given, receives the result (and is returned) instead of a new array.
 */
export interface SparseProducts {
  /** Which implementation this is. */
  readonly implementation: SparseImplementation;
  /** Why TypeScript runs where WebAssembly was wanted (`implementation: 'auto'` without WASM SIMD); undefined otherwise. */
  readonly fallbackReason: string | undefined;
  /** Threads a product may run on, the caller's own included (1 for TypeScript, and where threads cannot run). */
  readonly threads: number;
  /** Why fewer threads run than were asked for (no shared memory, a thread that did not start or stopped answering), when so. */
  readonly threadNote: string | undefined;
  /** Forward: Y[b, o] = Σ_i X[b, i] · W(i, o), over the stored W(i, o) only. Returns [batch, outputs]. */
  forward(kernel: SparseKernel, x: Float32Array, batch: number, out?: Float32Array): Float32Array;
  /** Input gradient: dX[b, i] = Σ_o dY[b, o] · W(i, o) (dX = dY·Wᵀ), over the stored W(i, o) only. Returns [batch, inputs]. */
  backwardInput(kernel: SparseKernel, dy: Float32Array, batch: number, out?: Float32Array): Float32Array;
  /**
   * Sampled weight gradient (SDDMM): dW(i, o) = Σ_b X[b, i] · dY[b, o] at the stored entries only (dW = Xᵀ·dY
   * sampled by the mask), in the kernel's nonzero order (that of `kernel.values`). Returns nnz floats.
   */
  sampledGradient(kernel: SparseKernel, x: Float32Array, dy: Float32Array, batch: number, out?: Float32Array): Float32Array;
}
