/**
 * SRigL's neuron ablation (Lasby et al. 2024, "Dynamic Sparse Training with Structured Sparsity", ICLR, Sec. 4 and
 * Algorithm 1) on a constant fan-in layout ({@link GroupLayout} [in_l, out_l], one group per output unit, n = k_l).
 *
 * The state is derived from the mask alone: an output unit with no active input is ablated, and stays ablated (it
 * is never regrown). With A ablated units of out_l, every other unit holds exactly k_l(A) active inputs, where
 * k_l(A) = min(in_l, ⌊k_l · out_l / (out_l − A)⌋): the layer's budget k_l · out_l shared among the remaining units,
 * rounded down as in the authors' code (so the layer holds at most its budget, and k_l(0) = k_l).
 */
import type { GroupLayout } from './n-m-groups.js';
import { dropPositions, selectHighestInactive, selectLowestActive } from './selection.js';

/** Active inputs of every output unit of a [in, out] fan-in layout: unit o holds the flat positions p with p mod out = o. */
export function unitCounts(mask: ArrayLike<number>, layout: GroupLayout): Int32Array {
  const out = layout.shape[1]!;
  const counts = new Int32Array(out);
  for (let p = 0; p < mask.length; p++) if (mask[p] !== 0) counts[p % out]!++;
  return counts;
}

/** k_l(A) = min(in_l, ⌊k_l · out_l / (out_l − A)⌋): the active inputs of every kept unit when `ablated` of out_l units are ablated (A < out_l). */
export function fanInAfterAblation(layout: GroupLayout, ablated: number): number {
  const out = layout.shape[1]!;
  if (!Number.isInteger(ablated) || ablated < 0 || ablated >= out) throw new RangeError(`fanInAfterAblation: ablated units must be an integer in [0, ${out - 1}], got ${ablated}`);
  return Math.min(layout.m, Math.floor((layout.n * out) / (out - ablated)));
}

/**
 * Why `mask` breaks constant fan-in with ablation, or undefined when it keeps it: at least one unit active, and
 * every active unit holding exactly k_l(A) inputs, A the units with none.
 */
export function ablationViolation(mask: ArrayLike<number>, layout: GroupLayout): string | undefined {
  const counts = unitCounts(mask, layout);
  const ablated = counts.filter((c) => c === 0).length;
  if (ablated === counts.length) return `every output unit has 0 active inputs (at least one must keep its k_l)`;
  const k = fanInAfterAblation(layout, ablated);
  const unit = counts.findIndex((c) => c !== 0 && c !== k);
  if (unit < 0) return undefined;
  return `output unit ${unit} holds ${counts[unit]} active inputs, but with ${ablated} of ${counts.length} units ablated every other unit holds exactly ${k}`;
}

/** One layer's chosen update under ablation: the positions dropped and grown, and the units newly ablated. */
export interface AblatedLayerUpdate {
  /** Active positions cleared: RigL's drop plus every remaining weight of the newly ablated units, ascending. */
  readonly dropped: Int32Array;
  /** Positions set: every kept unit regrown to k_l(A), ascending. */
  readonly grown: Int32Array;
  /** Output units ablated by this update. */
  readonly ablated: readonly number[];
}

/**
 * Salient weights per output unit (Lasby et al. 2024, Sec. 4): the mask unconstrained RigL (Evci et al. 2020)
 * would make in this layer with the same budget, i.e. the active weights except the `dropCount` of lowest drop
 * score, plus the `dropCount` highest grow scores among the positions inactive after that drop (a dropped weight
 * may be regrown), ties to the lower flat index; counted per unit.
 */
export function salientCounts(dropScores: ArrayLike<number>, growScores: ArrayLike<number>, mask: Uint8Array, dropCount: number, layout: GroupLayout): Int32Array {
  const afterDrop = dropPositions(mask, selectLowestActive(dropScores, mask, dropCount));
  const salient = afterDrop.slice();
  for (const p of selectHighestInactive(growScores, afterDrop, dropCount)) salient[p] = 1;
  return unitCounts(salient, layout);
}

/**
 * One constant fan-in update with SRigL's neuron ablation, chosen on the host. With k = k_l(A₀) the current fan-in:
 * 1. salient counts c_o ({@link salientCounts}) with RigL's unconstrained drop count `dropCount` = round(f · active);
 * 2. every unit not yet ablated with c_o < γ_sal · k is ablated; if that would ablate every unit, the unit of most
 *    salient weights (ties to the lower index) is kept;
 * 3. the layer drops RigL's `dropCount` lowest drop scores among its active weights and every weight of the newly
 *    ablated units;
 * 4. every kept unit regrows to k' = k_l(A) ({@link fanInAfterAblation}) by its highest grow scores among its
 *    inactive positions (a dropped weight may be regrown); ablated units grow nothing.
 */
export function planAblatedLayer(dropScores: ArrayLike<number>, growScores: ArrayLike<number>, mask: Uint8Array, layout: GroupLayout, dropCount: number, threshold: number): AblatedLayerUpdate {
  const out = layout.shape[1]!;
  const before = unitCounts(mask, layout);
  const wasAblated = Array.from(before, (c) => c === 0);
  const k = fanInAfterAblation(layout, wasAblated.filter(Boolean).length);
  const salient = salientCounts(dropScores, growScores, mask, dropCount, layout);
  let fresh = Array.from({ length: out }, (_, o) => o).filter((o) => !wasAblated[o] && salient[o]! < threshold * k);
  const kept = out - wasAblated.filter(Boolean).length - fresh.length;
  if (kept === 0) {
    // never ablate a whole layer: keep the unit of most salient weights
    const keep = fresh.reduce((best, o) => (salient[o]! > salient[best]! ? o : best), fresh[0]!);
    fresh = fresh.filter((o) => o !== keep);
  }
  const ablated = wasAblated.slice();
  for (const o of fresh) ablated[o] = true;
  const kNew = fanInAfterAblation(layout, ablated.filter(Boolean).length);

  const drop = Array.from(selectLowestActive(dropScores, mask, dropCount));
  const afterRigl = dropPositions(mask, drop);
  for (let p = 0; p < afterRigl.length; p++) if (afterRigl[p] !== 0 && ablated[p % out]) drop.push(p);
  const afterDrop = dropPositions(mask, drop);
  const counts = unitCounts(afterDrop, layout);
  const grown: number[] = [];
  for (let o = 0; o < out; o++) {
    if (ablated[o] || counts[o]! >= kNew) continue;
    const unit: number[] = [];
    for (let p = o; p < afterDrop.length; p += out) if (afterDrop[p] === 0) unit.push(p);
    unit.sort((a, b) => growScores[b]! - growScores[a]! || a - b);
    grown.push(...unit.slice(0, kNew - counts[o]!));
  }
  return { dropped: Int32Array.from(drop).sort(), grown: Int32Array.from(grown).sort(), ablated: fresh };
}
