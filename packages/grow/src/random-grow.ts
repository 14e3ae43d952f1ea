import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { GrowCriterion } from '@topiary/core';
import { hostUniformScores } from '@topiary/core';

/**
 * Random growth (SET, Mocanu et al. 2018: "add as many random connections"): every inactive position gets an
 * independent uniform [0, 1) score drawn on the host from `ctx.rng`, so the k grown positions form a
 * uniformly random k-subset of the inactive ones, identical on every backend for the same seed.
 */
export function randomGrow(): GrowCriterion {
  return createComponent(randomGrowDescriptor, {});
}

/** The descriptor of {@link randomGrow}: kind `random`, no options. */
export const randomGrowDescriptor = defineComponent({
  family: 'grow',
  kind: 'random',
  doc: 'Grow a uniformly random subset of the inactive positions (SET).',
  options: closedObject({}),
  create: (): GrowCriterion => ({
    kind: 'random',
    needs: {},
    score: (ctx) => hostUniformScores(ctx, 'random grow'),
  }),
});
