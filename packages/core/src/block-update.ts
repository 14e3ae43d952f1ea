import { blockIndex, blockLayout, blockScores, blocksOfMask, positionsOfBlocks } from './block-groups.js';
import { hostScores, planChosenPositions } from './chosen-positions.js';
import type { UpdateInputs, UpdatePlan } from './mask-update-inputs.js';
import type { MaskSelection } from './mask-selection.js';
import { nmUpdateProblem } from './n-m-groups.js';
import { dropPositions, selectHighestInactive, selectLowestActive } from './selection.js';

/**
 * One mask update that keeps b × b blocks (`inputs.granularity` of kind `block`; RigL's drop-and-grow, Evci et al.
 * 2020, on whole blocks): per layer with B active blocks, drop the k = round(f(t) · B) active blocks of lowest
 * aggregate drop score, then grow the k inactive blocks (after the drop, so a dropped block may be regrown) of
 * highest aggregate grow score, where a block's aggregate score is the sum of the criterion's per-weight scores over
 * its b² weights; ties to the lower block index. Works with every criterion. The positions are chosen on the host,
 * on the device selection too, and handed to the selection as 0/1 scores, so host and device give the same masks.
 * @throws Error when the policy cannot keep the blocks (pruning target, global scope, redistribution, no grow
 *   criterion) or a mask is not made of whole blocks.
 */
export async function planBlockUpdate(inputs: UpdateInputs, selection: MaskSelection): Promise<UpdatePlan> {
  const { update, kernels, state, step, granularity } = inputs;
  if (granularity?.kind !== 'block') throw new Error(`planBlockUpdate: inputs.granularity must be of kind 'block', got ${JSON.stringify(granularity?.kind)}`);
  const problem = nmUpdateProblem({ update, granularity });
  if (problem) throw new Error(problem);
  const fraction = update.dropFraction ? update.dropFraction.valueAt(step) : 0;
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) return { ok: false, reason: `drop fraction ${fraction} at this step is outside [0, 1]` };

  const layouts = kernels.map((k) => blockLayout(k.shape.shape, granularity.size));
  const indices = layouts.map((l) => blockIndex(l));
  const blockMasks = kernels.map((k, i) => {
    const blocks = blocksOfMask(state.mask(i), indices[i]!, layouts[i]!.blocks);
    if ('mixed' in blocks) throw new Error(`planBlockUpdate: block ${blocks.mixed} of layer ${k.shape.layerName} is partly active`);
    return blocks;
  });
  const counts = blockMasks.map((m) => Math.round(fraction * m.reduce((a, b) => a + b, 0)));

  // choose on the host: every layer's dropped blocks, then its grown blocks
  const droppedBlocks: (Int32Array | undefined)[] = kernels.map(() => undefined);
  const afterDrop = blockMasks.slice();
  for (let i = 0; i < kernels.length; i++) {
    if (counts[i] === 0) continue;
    const scores = await hostScores(inputs, i, 'drop', update.drop);
    if (typeof scores === 'string') return { ok: false, reason: scores };
    droppedBlocks[i] = selectLowestActive(blockScores(scores, indices[i]!, layouts[i]!.blocks), blockMasks[i]!, counts[i]!);
    afterDrop[i] = dropPositions(blockMasks[i]!, droppedBlocks[i]!);
  }
  const dropped: (Int32Array | undefined)[] = kernels.map(() => undefined);
  const grown: (Int32Array | undefined)[] = kernels.map(() => undefined);
  for (let i = 0; i < kernels.length; i++) {
    if (droppedBlocks[i] === undefined) continue;
    const scores = await hostScores(inputs, i, 'grow', update.grow!);
    if (typeof scores === 'string') return { ok: false, reason: scores };
    const grownBlocks = selectHighestInactive(blockScores(scores, indices[i]!, layouts[i]!.blocks), afterDrop[i]!, counts[i]!);
    dropped[i] = positionsOfBlocks(droppedBlocks[i]!, indices[i]!, layouts[i]!.blocks);
    grown[i] = positionsOfBlocks(grownBlocks, indices[i]!, layouts[i]!.blocks);
  }
  return planChosenPositions(inputs, selection, dropped, grown);
}
