import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { DropCriterion } from '@topiary/core';
import { hostUniformScores } from '@topiary/core';

/**
 * Random drop: every active weight gets an independent uniform [0, 1) score drawn on the host from
 * `ctx.rng`, so k dropped weights form a uniformly random k-subset of the active ones, identical on every
 * backend for the same seed. A baseline for ablations (drop-criterion studies in Evci et al. 2020).
 */
export function randomDrop(): DropCriterion {
  return createComponent(randomDropDescriptor, {});
}

/** The descriptor of {@link randomDrop}: kind `random`, no options. */
export const randomDropDescriptor = defineComponent({
  family: 'drop',
  kind: 'random',
  doc: 'Drop a uniformly random subset of the active weights (a baseline).',
  options: closedObject({}),
  create: (): DropCriterion => ({
    kind: 'random',
    needs: {},
    score: (ctx) => hostUniformScores(ctx, 'random drop'),
  }),
});
