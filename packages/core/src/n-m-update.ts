import { hostScores, planChosenPositions } from './chosen-positions.js';
import { planAblatedLayer } from './fan-in-ablation.js';
import { updateCounts } from './mask-update-counts.js';
import type { UpdateInputs, UpdatePlan } from './mask-update-inputs.js';
import type { MaskSelection } from './mask-selection.js';
import { nmRegrow, nmUpdateProblem, type GroupLayout } from './n-m-groups.js';
import { dropPositions, selectLowestActive } from './selection.js';

/**
 * One mask update that keeps N:M sparsity or constant fan-in (`inputs.granularity`, groups `inputs.groups`; Zhou
 * et al. 2021 and Lasby et al. 2024, with RigL's drop-and-grow, Evci et al. 2020): per layer, drop the k = round(f · active) active weights of lowest drop score (as
 * unstructured updates do), then every group regrows exactly as many as it lost, the highest grow scores among
 * its inactive positions (so a dropped weight may be regrown). Works with every criterion. The positions are
 * chosen on the host, on the device selection too (each stage reads every changed layer's scores): the
 * selection is then handed 0/1 scores that single out exactly those positions, so host and device selections
 * give the same masks. Criteria are called in the usual order (every layer's drop, then every layer's grow).
 * Constant fan-in with `ablation.threshold` > 0 adds SRigL's neuron ablation ({@link planAblatedLayer}).
 * @throws Error when the policy cannot keep the groups (pruning target, global scope, redistribution, no grow
 *   criterion), or constant fan-in comes without `inputs.groups`.
 */
export async function planGroupedUpdate(inputs: UpdateInputs, selection: MaskSelection): Promise<UpdatePlan> {
  const { update, kernels, state, granularity } = inputs;
  if (!granularity) throw new Error('planGroupedUpdate: inputs.granularity is missing');
  if (granularity.kind === 'block') throw new Error("planGroupedUpdate: granularity 'block' is planned by planBlockUpdate");
  const problem = nmUpdateProblem({ update, granularity });
  if (problem) throw new Error(problem);
  const groups = inputs.groups ?? (granularity.kind === 'n:m' ? kernels.map((k) => ({ shape: k.shape.shape, n: granularity.n, m: granularity.m })) : undefined);
  if (!groups) throw new Error("planGroupedUpdate: inputs.groups is required with granularity 'fan-in'");
  const counts = updateCounts(inputs);
  if ('reason' in counts) return { ok: false, reason: counts.reason };

  if (granularity.kind === 'fan-in' && (granularity.ablation?.threshold ?? 0) > 0) return planAblatedUpdate(inputs, selection, groups, counts.drop, granularity.ablation!.threshold);

  // choose on the host: drops of every layer, then the grouped regrowth
  const dropped: (Int32Array | undefined)[] = kernels.map(() => undefined);
  const afterDrop = kernels.map((_, i) => state.mask(i));
  for (let i = 0; i < kernels.length; i++) {
    if (counts.drop[i] === 0) continue;
    const scores = await hostScores(inputs, i, 'drop', update.drop);
    if (typeof scores === 'string') return { ok: false, reason: scores };
    dropped[i] = selectLowestActive(scores, afterDrop[i]!, counts.drop[i]!);
    afterDrop[i] = dropPositions(afterDrop[i]!, dropped[i]!);
  }
  const grown: (Int32Array | undefined)[] = kernels.map(() => undefined);
  for (let i = 0; i < kernels.length; i++) {
    if (dropped[i] === undefined) continue;
    const scores = await hostScores(inputs, i, 'grow', update.grow!);
    if (typeof scores === 'string') return { ok: false, reason: scores };
    const g = groups[i]!;
    grown[i] = nmRegrow(scores, afterDrop[i]!, g.shape, g.n, g.m);
  }

  // the selection makes exactly those masks
  return planChosenPositions(inputs, selection, dropped, grown);
}

/**
 * Constant fan-in with SRigL's neuron ablation (Lasby et al. 2024): every layer that drops reads its drop scores,
 * then (after every layer's drop scores) its grow scores, and {@link planAblatedLayer} chooses its positions.
 */
async function planAblatedUpdate(inputs: UpdateInputs, selection: MaskSelection, groups: readonly GroupLayout[], drops: readonly number[], threshold: number): Promise<UpdatePlan> {
  const { update, kernels, state } = inputs;
  const dropScores: (Float32Array | undefined)[] = kernels.map(() => undefined);
  for (let i = 0; i < kernels.length; i++) {
    if (drops[i] === 0) continue;
    const scores = await hostScores(inputs, i, 'drop', update.drop);
    if (typeof scores === 'string') return { ok: false, reason: scores };
    dropScores[i] = scores;
  }
  const dropped: (Int32Array | undefined)[] = kernels.map(() => undefined);
  const grown: (Int32Array | undefined)[] = kernels.map(() => undefined);
  for (let i = 0; i < kernels.length; i++) {
    if (dropScores[i] === undefined) continue;
    const scores = await hostScores(inputs, i, 'grow', update.grow!);
    if (typeof scores === 'string') return { ok: false, reason: scores };
    const chosen = planAblatedLayer(dropScores[i]!, scores, state.mask(i), groups[i]!, drops[i]!, threshold);
    dropped[i] = chosen.dropped;
    grown[i] = chosen.grown;
  }
  return planChosenPositions(inputs, selection, dropped, grown);
}
