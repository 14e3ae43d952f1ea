import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import type { z } from 'zod';
import { presetFields } from './fields.js';

const staticOptions = closedObject(presetFields);

/** Options of {@link staticSparse}. */
export type StaticSparseOptions = z.input<typeof staticOptions>;

/** Static sparse training: a random mask drawn from the distribution (ERK by default) and never changed. */
export function staticSparse(options: StaticSparseOptions): SparseStrategy {
  return createComponent(staticSparseDescriptor, options, { path: 'staticSparse' });
}

/** The descriptor of {@link staticSparse}: method `static`. */
export const staticSparseDescriptor = defineComponent({
  family: 'preset',
  kind: 'static',
  doc: 'Static sparse training: a random mask from the distribution (ERK by default), never changed.',
  options: staticOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options): SparseStrategy => ({ name: 'static', sparsity: options.sparsity, distribution: options.distribution ?? erdosRenyiKernel(), init: { kind: 'random' } }),
});
