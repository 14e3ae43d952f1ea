import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { uniform } from '@topiary/distributions';
import { z } from 'zod';

/** Dense training through the same engine: every weight active, nothing masked, for baselines. */
export function dense(): SparseStrategy {
  return createComponent(denseDescriptor, {});
}

/** The descriptor of {@link dense}: method `dense`. */
export const denseDescriptor = defineComponent({
  family: 'preset',
  kind: 'dense',
  doc: 'Dense training through the same engine: every weight active, for baselines.',
  options: closedObject({ sparsity: z.literal(0, 'must be 0 for dense training').optional().describe('Always 0; may be written for symmetry with the other methods.') }),
  create: (): SparseStrategy => ({ name: 'dense', sparsity: 0, distribution: uniform(), init: { kind: 'dense' } }),
});
