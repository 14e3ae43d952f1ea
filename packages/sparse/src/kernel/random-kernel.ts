import { SparseKernel } from './sparse-kernel.js';

/**
 * A kernel of `inputs × outputs` keeping each weight with probability 1 − `sparsity`, values uniform in
 * [−0.5, 0.5), built from its entries (no dense array). `random` is a uniform source in [0, 1); it is drawn once per
 * position in row-major order and once more for each kept weight's value, so a seeded source gives the same kernel.
 */
export function randomSparseKernel(inputs: number, outputs: number, sparsity: number, random: () => number): SparseKernel {
  const rows: number[] = [];
  const columns: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < inputs; i++) {
    for (let o = 0; o < outputs; o++) {
      if (random() >= sparsity) {
        rows.push(i);
        columns.push(o);
        values.push(random() - 0.5);
      }
    }
  }
  return SparseKernel.fromEntries(inputs, outputs, { rows, columns, values });
}
