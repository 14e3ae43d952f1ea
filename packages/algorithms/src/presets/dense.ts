import type { SparseStrategy } from '@topiary/core';
import { uniform } from '@topiary/distributions';

/** Dense training through the same engine: every weight active, nothing masked, for baselines. */
export function dense(): SparseStrategy {
  return { name: 'dense', sparsity: 0, distribution: uniform(), init: { kind: 'dense' } };
}
