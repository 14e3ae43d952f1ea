// The three products in plain TypeScript (the fallback where WebAssembly SIMD is missing). Operands are turned
// batch-inner (Xᵀ, dYᵀ) so that every stored weight meets a contiguous batch row: forward scatters along the CSR
// rows, the input gradient gathers along them, and the sampled gradient takes one dot product per stored entry
// (docs/engine.md, "Sparse storage", has the measurements).
import type { SparseKernel } from '../kernel/sparse-kernel.js';
import { checkBackwardInput, checkForward, checkSampledGradient } from '../products/check-operands.js';
import type { SparseProducts } from '../products/sparse-products.js';
import { fromBatchInner, toBatchInner } from './batch-inner.js';
import { gatherRows } from './gather.js';
import { scatterRows } from './scatter.js';
import { sampledDots } from './sampled.js';
import { Scratch } from './scratch.js';

const X_T = 0;
const Y_T = 1;
const DY_T = 2;

/**
 * The products in plain TypeScript, with their own grow-only scratch buffers (batch · inputs and batch · outputs
 * floats), on one thread. `fallbackReason` says why these run instead of the WASM kernels, when that is the case;
 * `threadNote` why one thread runs where more were asked for.
 */
export function typescriptProducts(fallbackReason?: string, threadNote?: string): SparseProducts {
  const scratch = new Scratch();
  return {
    implementation: 'typescript',
    fallbackReason,
    threads: 1,
    threadNote,
    forward(kernel: SparseKernel, x: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkForward(kernel, x, batch, out);
      const { inputs, outputs } = kernel;
      const y = out ?? new Float32Array(batch * outputs);
      const xt = scratch.take(X_T, inputs * batch);
      const yt = scratch.take(Y_T, outputs * batch);
      toBatchInner(x, xt, batch, inputs, batch);
      // Yᵀ[o, :] = Σ_i W(i, o) · Xᵀ[i, :], row i of W scattering into the rows of Yᵀ it reaches
      scatterRows(inputs, kernel.rowPointers, kernel.columnIndices, kernel.values, xt, yt, batch, outputs);
      fromBatchInner(yt, y, batch, outputs, batch);
      return y;
    },
    backwardInput(kernel: SparseKernel, dy: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkBackwardInput(kernel, dy, batch, out);
      const { inputs, outputs } = kernel;
      const dx = out ?? new Float32Array(batch * inputs);
      const dyt = scratch.take(DY_T, outputs * batch);
      const dxt = scratch.take(X_T, inputs * batch);
      toBatchInner(dy, dyt, batch, outputs, batch);
      // dXᵀ[i, :] = Σ_{o ∈ row i} W(i, o) · dYᵀ[o, :]
      gatherRows(inputs, kernel.rowPointers, kernel.columnIndices, kernel.values, dyt, dxt, batch);
      fromBatchInner(dxt, dx, batch, inputs, batch);
      return dx;
    },
    sampledGradient(kernel: SparseKernel, x: Float32Array, dy: Float32Array, batch: number, out?: Float32Array): Float32Array {
      checkSampledGradient(kernel, x, dy, batch, out);
      const { inputs, outputs } = kernel;
      const dw = out ?? new Float32Array(kernel.nnz);
      const xt = scratch.take(X_T, inputs * batch);
      const dyt = scratch.take(DY_T, outputs * batch);
      toBatchInner(x, xt, batch, inputs, batch);
      toBatchInner(dy, dyt, batch, outputs, batch);
      // dW(i, o) = Xᵀ[i, :] · dYᵀ[o, :] for the stored (i, o), in CSR order
      sampledDots(inputs, kernel.rowPointers, kernel.columnIndices, xt, dyt, dw, batch);
      return dw;
    },
  };
}
