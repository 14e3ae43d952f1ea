import type { SparseStrategy } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import { closedObject } from '../config/suggest.js';
import { checkPresetOptions, presetFields, type PresetOptions } from './common.js';

const staticOptionsSchema = closedObject(presetFields);

/** Options of {@link staticSparse}. */
export type StaticSparseOptions = PresetOptions;

/** Static sparse training: a random mask drawn from the distribution (ERK by default) and never changed. */
export function staticSparse(options: StaticSparseOptions): SparseStrategy {
  checkPresetOptions('staticSparse', staticOptionsSchema, options);
  return { name: 'static', sparsity: options.sparsity, distribution: options.distribution ?? erdosRenyiKernel(), init: { kind: 'random' } };
}
