import type { SparseStrategy } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import { checkPreset, type PresetOptions } from './common.js';

/** Options of {@link staticSparse}. */
export type StaticSparseOptions = PresetOptions;

/** Static sparse training: a random mask drawn from the distribution (ERK by default) and never changed. */
export function staticSparse(options: StaticSparseOptions): SparseStrategy {
  checkPreset('staticSparse', options);
  return { name: 'static', sparsity: options.sparsity, distribution: options.distribution ?? erdosRenyiKernel(), init: { kind: 'random' } };
}
