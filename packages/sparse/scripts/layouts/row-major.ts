// The three products straight on tfjs's row-major operands with CSR alone (no layout change): one pass over the
// stored entries per batch row, scalar. Kept for the layout measurement of docs/engine.md ("Sparse storage").
import type { SparseKernel } from '../../src/kernel/sparse-kernel.js';

/** Y[b, o] = Σ_i X[b, i] · W(i, o): per batch row, each input scatters x · W(i, :) into the row of Y. */
export function forwardRowMajor(kernel: SparseKernel, x: Float32Array, batch: number, y: Float32Array): void {
  const { inputs, outputs, rowPointers: ptr, columnIndices: col, values } = kernel;
  y.fill(0, 0, batch * outputs);
  for (let b = 0; b < batch; b++) {
    const xo = b * inputs;
    const yo = b * outputs;
    for (let i = 0; i < inputs; i++) {
      const v = x[xo + i]!;
      for (let k = ptr[i]!; k < ptr[i + 1]!; k++) y[yo + col[k]!]! += v * values[k]!;
    }
  }
}

/** dX[b, i] = Σ_o dY[b, o] · W(i, o): per batch row, each input gathers along its CSR row. */
export function backwardInputRowMajor(kernel: SparseKernel, dy: Float32Array, batch: number, dx: Float32Array): void {
  const { inputs, outputs, rowPointers: ptr, columnIndices: col, values } = kernel;
  for (let b = 0; b < batch; b++) {
    const go = b * outputs;
    for (let i = 0; i < inputs; i++) {
      let s = 0;
      for (let k = ptr[i]!; k < ptr[i + 1]!; k++) s += values[k]! * dy[go + col[k]!]!;
      dx[b * inputs + i] = s;
    }
  }
}

/** dW(i, o) = Σ_b X[b, i] · dY[b, o] at the stored entries: per batch row, each entry adds x · dy. */
export function sampledGradientRowMajor(kernel: SparseKernel, x: Float32Array, dy: Float32Array, batch: number, dw: Float32Array): void {
  const { inputs, outputs, rowPointers: ptr, columnIndices: col } = kernel;
  dw.fill(0, 0, kernel.nnz);
  for (let b = 0; b < batch; b++) {
    const go = b * outputs;
    for (let i = 0; i < inputs; i++) {
      const v = x[b * inputs + i]!;
      for (let k = ptr[i]!; k < ptr[i + 1]!; k++) dw[k]! += v * dy[go + col[k]!]!;
    }
  }
}
