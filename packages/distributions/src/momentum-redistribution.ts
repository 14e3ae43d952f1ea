import { check, checkNonNegativeInteger, closedObject, createComponent, defineComponent } from '@topiary/core';
import type { Redistribution, RedistributionLayer } from '@topiary/core';

/** SNFS momentum redistribution. */
export interface MomentumRedistribution extends Redistribution {
  /** Always `momentum`. */
  readonly kind: 'momentum';
  /** It needs the momentum of the dense gradient. */
  readonly needs: { readonly momentum: true };
}

/**
 * SNFS momentum redistribution (Dettmers & Zettlemoyer 2019, Alg. 1): the total regrowth is shared across
 * layers in proportion to each layer's mean |momentum| m_l, grow_l = total · m_l / Σ_k m_k, capped by the
 * layer's free capacity size_l − active_l; what a capped layer cannot take is shared among the others in
 * proportion again, until everything is placed. Layers with no momentum signal (0 or a non-finite mean)
 * get no share while others with a signal have room; once those are full, and when no layer has a
 * signal at all, the rest is shared in proportion to free capacity. The shares are rounded to integers
 * by largest remainder (ties to the earlier layer), so the counts sum exactly to `total` and never exceed
 * a layer's capacity. Throws when `total` exceeds the total free capacity.
 *
 * @example
 * ```ts
 * momentumRedistribution().allocate(layers, 120); // e.g. [80, 30, 10]
 * ```
 */
export function momentumRedistribution(): MomentumRedistribution {
  return createComponent(momentumRedistributionDescriptor, {}) as MomentumRedistribution;
}

/** The descriptor of {@link momentumRedistribution}: kind `momentum`, no options. */
export const momentumRedistributionDescriptor = defineComponent({
  family: 'redistribution',
  kind: 'momentum',
  doc: 'Share the regrowth across layers in proportion to their mean |momentum| (SNFS).',
  options: closedObject({}),
  create: (): MomentumRedistribution => ({
    kind: 'momentum',
    needs: Object.freeze({ momentum: true as const }),
    allocate(layers: readonly RedistributionLayer[], total: number): number[] {
      checkNonNegativeInteger(total, 'momentum.total');
      check(Array.isArray(layers), 'momentum.layers', layers, 'a list of per-layer facts');
      const capacities = layers.map((entry, i) => checkEntry(entry, i));
      const capacity = capacities.reduce((a, b) => a + b, 0);
      check(
        total <= capacity,
        'momentum.total',
        total,
        `at most the total free capacity Σ (size − active) = ${capacity}`,
      );
      const weights = layers.map(({ meanMomentum }) =>
        Number.isFinite(meanMomentum) && meanMomentum > 0 ? meanMomentum : 0,
      );
      const shares = waterFill(total, capacities, weights);
      return roundToTotal(shares, capacities, total);
    },
  }),
});

/** Checks one layer's facts and returns its free capacity. */
function checkEntry(entry: RedistributionLayer, i: number): number {
  const at = `momentum.layers[${i}]`;
  const size = entry?.layer?.size;
  check(Number.isInteger(size) && size > 0, `${at}.layer.size`, size, 'a positive integer');
  check(
    Number.isInteger(entry.active) && entry.active >= 0 && entry.active <= size,
    `${at}.active`,
    entry.active,
    `an integer in [0, ${size}] (the layer's size)`,
  );
  const m = entry.meanMomentum;
  check(
    typeof m === 'number' && !(Number.isFinite(m) && m < 0),
    `${at}.meanMomentum`,
    m,
    'a mean |momentum| ≥ 0 (a non-finite value counts as no signal)',
  );
  return size - entry.active;
}

/**
 * Real-valued shares summing to `total` with share_l ≤ capacity_l: proportional to `weights` among the
 * layers that still have room, the layers whose share would overflow filled to capacity and the rest
 * shared again; layers with weight 0 share in proportion to capacity once no weighted layer has room.
 */
function waterFill(total: number, capacities: readonly number[], weights: readonly number[]): number[] {
  const shares = capacities.map(() => 0);
  let open = capacities.map((_, i) => i).filter((i) => capacities[i]! > 0);
  let remaining = total;
  while (remaining > 0 && open.length > 0) {
    let sum = open.reduce((s, i) => s + weights[i]!, 0);
    const weightOf = sum > 0 ? (i: number) => weights[i]! : (i: number) => capacities[i]!;
    if (sum === 0) sum = open.reduce((s, i) => s + capacities[i]!, 0);
    const full = open.filter((i) => (remaining * weightOf(i)) / sum >= capacities[i]!);
    if (full.length === 0) {
      for (const i of open) shares[i] = (remaining * weightOf(i)) / sum;
      break;
    }
    for (const i of full) {
      shares[i] = capacities[i]!;
      remaining -= capacities[i]!;
    }
    const fullSet = new Set(full);
    open = open.filter((i) => !fullSet.has(i));
  }
  return shares;
}

/**
 * Largest-remainder rounding: floors every share, then hands the missing units to the largest fractional
 * parts (ties to the earlier layer), skipping layers at capacity; the result sums exactly to `total`.
 */
function roundToTotal(shares: readonly number[], capacities: readonly number[], total: number): number[] {
  const clamped = shares.map((s, i) => Math.min(capacities[i]!, Math.max(0, s)));
  const counts = clamped.map((s) => Math.floor(s));
  const byRemainder = clamped
    .map((s, i) => ({ i, fraction: s - Math.floor(s) }))
    .sort((a, b) => b.fraction - a.fraction || a.i - b.i)
    .map(({ i }) => i);
  let missing = total - counts.reduce((a, b) => a + b, 0);
  // One pass suffices in exact arithmetic; further passes only absorb floating-point round-off.
  while (missing > 0) {
    for (const i of byRemainder) {
      if (missing === 0) break;
      if (counts[i]! < capacities[i]!) {
        counts[i]! += 1;
        missing -= 1;
      }
    }
  }
  while (missing < 0) {
    for (const i of [...byRemainder].reverse()) {
      if (missing === 0) break;
      if (counts[i]! > 0) {
        counts[i]! -= 1;
        missing += 1;
      }
    }
  }
  return counts;
}
