import * as tf from '@tensorflow/tfjs-core';
import { blockBudgets, blockHighestMask, blockRandomMask } from './block-groups.js';
import { budgetsFromDensities } from './budgets.js';
import type { PrunableKernel } from './layers.js';
import type { Rng } from './rng.js';
import { groupLayouts, nmFirstViolation, nmHighestMask, nmRandomMask } from './n-m-groups.js';
import { randomMask, selectHighest } from './selection.js';
import type { LayerShape, SparseStrategy } from './types.js';

/** Inputs of {@link initialMasks}. */
export interface InitialMaskInputs {
  /** The strategy whose `init` and distribution decide. */
  readonly strategy: SparseStrategy;
  /** Masked kernels in order. */
  readonly kernels: readonly PrunableKernel[];
  /** Dense gradients by variable name, for scored initialisation. */
  readonly gradients?: tf.NamedTensorMap;
  /** The engine's generator. */
  readonly rng: Rng;
}

/**
 * Chooses the first mask of every masked layer according to `strategy.init`. With N:M or constant fan-in
 * granularity (`strategy.granularity`, checked beforehand by the trainer; groups from {@link groupLayouts}) a random
 * init draws exactly n of every group and a scored init keeps the n highest scores of every group; with b × b blocks
 * a random init draws round(d_l · blocks_l) blocks at random and a scored init keeps the blocks of highest summed scores.
 */
export async function initialMasks({ strategy, kernels, gradients, rng }: InitialMaskInputs): Promise<Uint8Array[]> {
  const init = strategy.init;
  if (init.kind === 'masks') {
    checkGivenMasks(strategy, kernels.map((k) => k.shape));
    return init.masks.map((m) => Uint8Array.from(m));
  }
  const groups = groupLayouts(strategy, kernels.map((k) => k.shape));
  const kind = `'${strategy.granularity?.kind}'`;
  if (groups && init.kind === 'dense') throw new Error(`strategy ${strategy.name}: init 'dense' cannot be combined with granularity ${kind}; use init 'random' or a layer-scope 'scored' init`);
  if (groups && init.kind === 'random') return groups.map((g) => nmRandomMask(g.shape, g.n, g.m, () => rng.float()));
  const block = strategy.granularity?.kind === 'block' ? { size: strategy.granularity.size, budgets: blockBudgets(strategy, kernels.map((k) => k.shape), strategy.granularity.size) } : undefined;
  if (block && init.kind === 'dense') throw new Error(`strategy ${strategy.name}: init 'dense' cannot be combined with granularity 'block'; use init 'random' or a layer-scope 'scored' init`);
  if (block && init.kind === 'random') return kernels.map((k, i) => blockRandomMask(k.shape.shape, block.size, block.budgets[i]!, () => rng.float()));
  if (init.kind === 'dense') return kernels.map((k) => new Uint8Array(k.shape.size).fill(1));
  const budgets = budgetsFromDensities(
    kernels,
    strategy.distribution.densities(
      kernels.map((k) => k.shape),
      strategy.sparsity,
    ),
  );
  if (init.kind === 'random') return kernels.map((k, i) => randomMask(k.shape.size, budgets[i]!, () => rng.float()));
  if (init.kind !== 'scored') throw new RangeError(`strategy.init.kind must be 'random', 'dense' or 'scored', got ${JSON.stringify((init as { kind: unknown }).kind)} (or 'masks')`);
  const scores: Float32Array[] = [];
  for (const [i, k] of kernels.entries()) {
    const gradient = gradients?.[k.variable.name];
    const t = tf.tidy(() =>
      init.criterion.score({
        layer: k.shape,
        weight: k.variable,
        mask: tf.onesLike(k.variable),
        step: 0,
        rng,
        ...(gradient ? { gradient } : {}),
      }),
    );
    const values = (await t.data()) as Float32Array;
    t.dispose();
    if (!values.every(Number.isFinite)) {
      throw new Error(`strategy ${strategy.name}: the '${init.criterion.kind}' scores of layer ${k.shape.layerName} at initialisation are not finite (check the first batch and the loss)`);
    }
    scores[i] = values;
  }
  if (groups) {
    if (init.scope !== 'layer') throw new Error(`strategy ${strategy.name}: init scope '${init.scope}' cannot be combined with granularity ${kind}; use scope 'layer'`);
    return groups.map((g, i) => nmHighestMask(scores[i]!, g.shape, g.n, g.m));
  }
  if (block) {
    if (init.scope !== 'layer') throw new Error(`strategy ${strategy.name}: init scope '${init.scope}' cannot be combined with granularity 'block'; use scope 'layer'`);
    return kernels.map((k, i) => blockHighestMask(scores[i]!, k.shape.shape, block.size, block.budgets[i]!));
  }
  if (init.scope === 'layer') return kernels.map((k, i) => maskFrom(k.shape.size, selectHighest(scores[i]!, budgets[i]!)));
  // global: one ranking over all masked weights, same total budget
  const total = budgets.reduce((a, b) => a + b, 0);
  const offsets: number[] = [];
  let size = 0;
  for (const k of kernels) {
    offsets.push(size);
    size += k.shape.size;
  }
  const all = new Float32Array(size);
  scores.forEach((s, i) => all.set(s, offsets[i]!));
  const keep = selectHighest(all, total);
  const masks = kernels.map((k) => new Uint8Array(k.shape.size));
  let layer = 0;
  for (const flat of keep) {
    while (layer + 1 < kernels.length && flat >= offsets[layer + 1]!) layer++;
    masks[layer]![flat - offsets[layer]!] = 1;
  }
  return masks;
}

function maskFrom(size: number, positions: Int32Array): Uint8Array {
  const mask = new Uint8Array(size);
  for (const p of positions) mask[p] = 1;
  return mask;
}

/**
 * Checks a `{ kind: 'masks' }` init against the masked layers: one Uint8Array per layer, each of the layer's size,
 * holding only 0 and 1, and under a granularity every group at its count. Throws naming the layer; other inits pass.
 */
export function checkGivenMasks(strategy: SparseStrategy, layers: readonly LayerShape[]): void {
  const init = strategy.init;
  if (init.kind !== 'masks') return;
  const masks: unknown = init.masks;
  if (!Array.isArray(masks) || masks.length !== layers.length) {
    const got = Array.isArray(masks) ? `${masks.length} masks` : typeof masks;
    throw new RangeError(`strategy.init.masks must hold one mask per masked layer (${layers.length}: ${layers.map((l) => l.layerName).join(', ')}), got ${got}`);
  }
  const groups = groupLayouts(strategy, layers);
  layers.forEach((layer, i) => {
    const mask: unknown = masks[i];
    const where = `strategy.init.masks[${i}] (layer ${layer.layerName})`;
    if (!(mask instanceof Uint8Array)) throw new RangeError(`${where} must be a Uint8Array of ${layer.size} zeros and ones, got ${mask === null ? 'null' : typeof mask}`);
    if (mask.length !== layer.size) throw new RangeError(`${where} must have the kernel's ${layer.size} entries (shape [${layer.shape.join(', ')}]), got ${mask.length}`);
    const bad = mask.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) throw new RangeError(`${where} must hold only 0 and 1, got ${mask[bad]} at position ${bad}`);
    if (groups) {
      const { shape, n, m } = groups[i]!;
      const group = nmFirstViolation(mask, shape, n, m);
      if (group >= 0) throw new RangeError(`${where} breaks granularity '${strategy.granularity!.kind}': group ${group} does not hold exactly ${n} of its ${m} weights`);
    }
  });
}
