/**
 * N:M groups of a kernel (Zhou et al. 2021, "Learning N:M Fine-grained Structured Sparse Neural Networks From
 * Scratch"): for a kernel of shape [...spatial, cIn, cOut] (Dense: [in, out]), group g of output o at spatial
 * position s holds the m consecutive inputs c = g·m … g·m + m − 1, i.e. the flat positions
 * s·cIn·cOut + c·cOut + o. N:M sparsity keeps exactly n active weights in every group.
 *
 * Constant fan-in (Lasby et al. 2024, "Dynamic Sparse Training with Structured Sparsity", SRigL) is the same
 * machinery with one group per output unit: the kernel is viewed as [in, cOut] with in = size / cOut (every
 * weight feeding output o, kh·kw·cIn for a convolution; the flat positions are unchanged), m = in and n = k_l
 * (see {@link groupLayouts}).
 */
import type { FanInGranularity, LayerShape, MaskGranularity, NMGranularity, SparseStrategy } from './types.js';

/** The groups of one masked layer: `m` consecutive inputs of one output unit of `shape` (as {@link nmGroupOrder} reads it), `n` active in each. */
export interface GroupLayout {
  /** The kernel's shape as the group functions read it: the layer's own under N:M, [in, cOut] under constant fan-in. */
  readonly shape: readonly number[];
  /** Active weights per group. */
  readonly n: number;
  /** Weights per group (a divisor of shape[shape.length − 2]). */
  readonly m: number;
}

/**
 * The flat positions of every group, group after group: positions [g·m, g·m + m) of the result are the m
 * positions of group g, in ascending input order.
 */
export function nmGroupOrder(shape: readonly number[], m: number): Int32Array {
  if (shape.length < 2) throw new RangeError(`nmGroupOrder: kernel shape [${shape.join(', ')}] has no input axis`);
  const cOut = shape[shape.length - 1]!;
  const cIn = shape[shape.length - 2]!;
  if (cIn % m !== 0) throw new RangeError(`nmGroupOrder: m = ${m} does not divide the input size ${cIn}`);
  const outer = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const order = new Int32Array(outer * cIn * cOut);
  let next = 0;
  for (let s = 0; s < outer; s++) {
    for (let g = 0; g < cIn / m; g++) {
      for (let o = 0; o < cOut; o++) {
        for (let r = 0; r < m; r++) order[next++] = s * cIn * cOut + (g * m + r) * cOut + o;
      }
    }
  }
  return order;
}

/** Among `positions`, the `count` with the highest scores (ties to the lower flat index) that pass `eligible`. */
function highestOf(positions: Int32Array, scores: ArrayLike<number>, count: number, eligible: (p: number) => boolean): number[] {
  const pool = Array.from(positions).filter(eligible);
  pool.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return pool.slice(0, count);
}

/** A mask with exactly n active weights per group, drawn uniformly in each group by `random` (a [0, 1) source). */
export function nmRandomMask(shape: readonly number[], n: number, m: number, random: () => number): Uint8Array {
  const order = nmGroupOrder(shape, m);
  const mask = new Uint8Array(order.length);
  const local = new Int32Array(m);
  for (let start = 0; start < order.length; start += m) {
    for (let r = 0; r < m; r++) local[r] = r;
    // partial Fisher-Yates over the group
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(random() * (m - i));
      const t = local[i]!;
      local[i] = local[j]!;
      local[j] = t;
      mask[order[start + local[i]!]!] = 1;
    }
  }
  return mask;
}

/** A mask keeping the n highest scores of every group (ties to the lower flat index). */
export function nmHighestMask(scores: ArrayLike<number>, shape: readonly number[], n: number, m: number): Uint8Array {
  const order = nmGroupOrder(shape, m);
  const mask = new Uint8Array(order.length);
  for (let start = 0; start < order.length; start += m) {
    for (const p of highestOf(order.subarray(start, start + m), scores, n, () => true)) mask[p] = 1;
  }
  return mask;
}

/**
 * The grouped grow step: every group of `afterDrop` with a < n active weights grows n − a of its inactive
 * positions, those of highest grow score (ties to the lower flat index; a weight dropped in this update may be
 * regrown, as in RigL). Returns the grown flat positions, ascending.
 */
export function nmRegrow(scores: ArrayLike<number>, afterDrop: Uint8Array, shape: readonly number[], n: number, m: number): Int32Array {
  const order = nmGroupOrder(shape, m);
  const grown: number[] = [];
  for (let start = 0; start < order.length; start += m) {
    const group = order.subarray(start, start + m);
    let active = 0;
    for (const p of group) active += afterDrop[p] !== 0 ? 1 : 0;
    if (active < n) grown.push(...highestOf(group, scores, n - active, (p) => afterDrop[p] === 0));
  }
  return Int32Array.from(grown).sort();
}

/** The first group (its index in {@link nmGroupOrder}) whose active count is not n, or −1 when every group holds exactly n. */
export function nmFirstViolation(mask: ArrayLike<number>, shape: readonly number[], n: number, m: number): number {
  const order = nmGroupOrder(shape, m);
  for (let start = 0; start < order.length; start += m) {
    let active = 0;
    for (let r = 0; r < m; r++) active += mask[order[start + r]!] !== 0 ? 1 : 0;
    if (active !== n) return start / m;
  }
  return -1;
}

/** The granularity's name in messages: `'n:m'`, `'fan-in'` or `'block'`. */
function kindOf(granularity: MaskGranularity | undefined): string {
  return `'${granularity?.kind ?? 'n:m'}'`;
}

/** The weights feeding one output unit of `layer`: size / fanOut (kernel.shape[0] for Dense, kh·kw·cIn for a convolution). */
export function fanInSize(layer: Pick<LayerShape, 'size' | 'fanOut'>): number {
  return layer.size / layer.fanOut;
}

/** k_l = round(density · in_l): the active inputs every output unit of `layer` keeps under constant fan-in. */
export function fanInCount(layer: Pick<LayerShape, 'size' | 'fanOut'>, density: number): number {
  return Math.round(density * fanInSize(layer));
}

/**
 * The group layout of every masked layer under the strategy's granularity, or undefined when it has none (also
 * under blocks, see `block-groups.ts`): N:M
 * groups of m inputs with n active; constant fan-in one group of in_l inputs per output unit with k_l active, the
 * layer's density taken from the strategy's distribution at its sparsity.
 */
export function groupLayouts(strategy: Pick<SparseStrategy, 'granularity' | 'distribution' | 'sparsity'>, layers: readonly LayerShape[]): GroupLayout[] | undefined {
  const granularity = strategy.granularity;
  if (granularity === undefined || granularity.kind === 'block') return undefined;
  if (granularity.kind === 'n:m') return layers.map((layer) => ({ shape: layer.shape, n: granularity.n, m: granularity.m }));
  const densities = strategy.distribution.densities(layers, strategy.sparsity);
  return layers.map((layer, i) => {
    const m = fanInSize(layer);
    return { shape: [m, layer.fanOut], n: fanInCount(layer, densities[i]!), m };
  });
}

/** What each granularity keeps, for the messages of {@link nmUpdateProblem}. */
const KEEPS = {
  'n:m': { name: 'N:M', target: 'density is fixed at n/m', scope: 'every group keeps its own count', redistribution: 'every layer keeps density n/m', grow: 'a drop without regrowth breaks the groups' },
  'fan-in': { name: 'constant fan-in', target: 'every output unit keeps its k_l active inputs', scope: 'every group keeps its own count', redistribution: 'every layer keeps its k_l per output unit', grow: 'a drop without regrowth breaks the groups' },
  block: { name: 'block', target: 'every layer keeps round(d_l · blocks_l) active blocks', scope: 'every layer keeps its own block count', redistribution: 'every layer keeps its block budget', grow: 'a drop without regrowth breaks the block budget' },
} as const;

/**
 * Why a mask update policy cannot keep N:M sparsity, constant fan-in or blocks (`strategy.granularity`, N:M when
 * absent), or undefined when it can: structured updates are drop-and-grow under layer scope (a grow criterion; no
 * pruning target, global scope or redistribution).
 */
export function nmUpdateProblem(strategy: Pick<SparseStrategy, 'update'> & { readonly granularity?: MaskGranularity | undefined }): string | undefined {
  const update = strategy.update;
  if (!update) return undefined;
  const keeps = KEEPS[strategy.granularity?.kind ?? 'n:m'];
  const kind = kindOf(strategy.granularity);
  const works = `${keeps.name} updates are drop-and-grow per layer: a dropFraction and a grow criterion, scope 'layer', no targetSparsity and no redistribution`;
  if (update.targetSparsity) return `strategy.update.targetSparsity (${update.targetSparsity.kind}) cannot be combined with granularity ${kind} (${keeps.target}); ${works}`;
  if (update.scope === 'global') return `strategy.update.scope 'global' cannot be combined with granularity ${kind} (${keeps.scope}); ${works}`;
  if (update.redistribution) return `strategy.update.redistribution '${update.redistribution.kind}' cannot be combined with granularity ${kind} (${keeps.redistribution}); ${works}`;
  if (!update.grow) return `strategy.update.grow is required with granularity ${kind} (${keeps.grow}); ${works}`;
  return undefined;
}

/** The init and update checks N:M and constant fan-in share: a `random` or layer-scope `scored` init, and {@link nmUpdateProblem}. */
function checkInitAndUpdate(strategy: SparseStrategy, start: string): void {
  const kind = kindOf(strategy.granularity);
  const init = strategy.init;
  if (init.kind === 'dense') throw new Error(`strategy.init 'dense' cannot be combined with granularity ${kind} (${start}); use init 'random' or a layer-scope 'scored' init`);
  if (init.kind === 'scored' && init.scope !== 'layer') {
    throw new Error(`strategy.init.scope '${init.scope}' cannot be combined with granularity ${kind} (every group keeps its own ${strategy.granularity?.kind === 'fan-in' ? 'k_l' : 'n'}); use scope 'layer'`);
  }
  const problem = nmUpdateProblem(strategy);
  if (problem) throw new Error(problem);
}

/**
 * Checks a constant fan-in strategy against the masked layers: an ablation threshold in [0, 1], Dense or convolution
 * kernels only, and every layer's k_l = round(d_l · in_l) at least 1 (the message names the layer and the density that would work).
 */
export function checkFanInGranularity(strategy: SparseStrategy, layers: readonly LayerShape[]): void {
  const ablation = (strategy.granularity as FanInGranularity).ablation;
  if (ablation !== undefined) {
    const threshold = ablation?.threshold;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
      throw new Error(`strategy.granularity.ablation.threshold must be a number in [0, 1] (γ_sal, the fraction of its fan-in k_l a unit's salient weights must reach; 0 disables ablation), got ${JSON.stringify(threshold)}`);
    }
  }
  for (const layer of layers) {
    if (layer.kind !== 'dense' && layer.kind !== 'conv') {
      throw new Error(`strategy.granularity 'fan-in': layer ${layer.layerName} is a masked ${layer.kind} table; constant fan-in applies to Dense and convolution kernels only (leave it out of layers.include)`);
    }
  }
  const densities = strategy.distribution.densities(layers, strategy.sparsity);
  densities.forEach((d, i) => {
    const layer = layers[i]!;
    const inputs = fanInSize(layer);
    if (fanInCount(layer, d) < 1) {
      throw new Error(
        `strategy.granularity 'fan-in': layer ${layer.layerName} (kernel [${layer.shape.join(', ')}], ${inputs} inputs per output unit) gets density ${d} from distribution '${strategy.distribution.kind}', so k = round(${d} · ${inputs}) = 0 active inputs per output unit; ` +
          `it needs density ≥ ${0.5 / inputs} (at least one input per output unit): lower strategy.sparsity, use a distribution that gives it more, or leave it out of layers.include`,
      );
    }
  });
  checkInitAndUpdate(strategy, 'masks start with k_l of every output unit\'s inputs active');
}

/**
 * Checks an N:M strategy against the masked layers: n, m integers with 1 ≤ n < m; sparsity 1 − n/m; a distribution
 * giving every layer density n/m; Dense or convolution kernels whose input size m divides; a `random` or layer-scope
 * `scored` init and an update policy {@link nmUpdateProblem} accepts.
 */
export function checkNMGranularity(strategy: SparseStrategy, granularity: NMGranularity, layers: readonly LayerShape[]): void {
  const { n, m } = granularity;
  if (!Number.isInteger(m) || m < 2) throw new Error(`strategy.granularity.m must be an integer ≥ 2, got ${m}`);
  if (!Number.isInteger(n) || n < 1 || n >= m) throw new Error(`strategy.granularity.n must be an integer in [1, ${m - 1}] (1 ≤ n < m = ${m}), got ${n}`);
  const density = n / m;
  if (Math.abs(strategy.sparsity - (1 - density)) > 1e-9) {
    throw new Error(`strategy.sparsity is ${strategy.sparsity} but granularity ${n}:${m} fixes it at 1 − n/m = ${1 - density}; set sparsity to ${1 - density}`);
  }
  for (const layer of layers) {
    if (layer.kind !== 'dense' && layer.kind !== 'conv') {
      throw new Error(`strategy.granularity ${n}:${m}: layer ${layer.layerName} is a masked ${layer.kind} table; N:M applies to Dense and convolution kernels only (leave it out of layers.include)`);
    }
    const inputs = layer.shape[layer.shape.length - 2]!;
    if (inputs % m !== 0) {
      throw new Error(`strategy.granularity.m = ${m} does not divide the ${inputs} inputs of layer ${layer.layerName} (kernel [${layer.shape.join(', ')}]); use an m that divides every masked layer's input size`);
    }
  }
  const densities = strategy.distribution.densities(layers, strategy.sparsity);
  densities.forEach((d, i) => {
    if (Math.abs(d - density) > 1e-6) {
      throw new Error(`strategy.distribution '${strategy.distribution.kind}' gives layer ${layers[i]!.layerName} density ${d}, but granularity ${n}:${m} fixes every layer at ${density}; use the uniform distribution`);
    }
  });
  checkInitAndUpdate(strategy, 'masks start with n of every m active');
}
