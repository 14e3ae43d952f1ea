/**
 * Block sparsity (b × b tiles; Gray, Radford & Kingma 2017, "GPU Kernels for Block-Sparse Weights"): a kernel of
 * shape [...spatial, cIn, cOut] (Dense: [in, out]) is tiled, at every spatial position s, into (cIn/b)·(cOut/b)
 * blocks; block β = (s·cIn/b + ⌊row/b⌋)·cOut/b + ⌊col/b⌋ holds the b² flat positions s·cIn·cOut + row·cOut + col
 * of its tile. The mask is constant on every block; a layer of density d_l keeps round(d_l · blocks_l) blocks.
 */
import { densityBudget } from './budgets.js';
import { nmUpdateProblem } from './n-m-groups.js';
import { randomMask, selectHighest } from './selection.js';
import type { BlockGranularity, LayerShape, SparseStrategy } from './types.js';

/** The block tiling of one kernel. */
export interface BlockLayout {
  /** Spatial positions (1 for Dense). */
  readonly outer: number;
  /** Input size cIn (rows of the [cIn, cOut] plane). */
  readonly rows: number;
  /** Output size cOut. */
  readonly cols: number;
  /** The block side b. */
  readonly size: number;
  /** Blocks in the kernel: outer · (rows/b) · (cols/b). */
  readonly blocks: number;
}

/** The b × b tiling of a kernel of `shape` ([in, out] or [...spatial, cIn, cOut]); b must divide cIn and cOut. */
export function blockLayout(shape: readonly number[], size: number): BlockLayout {
  if (shape.length < 2) throw new RangeError(`blockLayout: kernel shape [${shape.join(', ')}] has no input and output axes`);
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  if (!Number.isInteger(size) || size < 1 || rows % size !== 0 || cols % size !== 0) throw new RangeError(`blockLayout: block size ${size} does not divide the kernel's [${rows}, ${cols}] input and output sizes`);
  const outer = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { outer, rows, cols, size, blocks: (outer * rows * cols) / (size * size) };
}

/** The block of every flat position of a kernel tiled by `layout` (see the module's formula). */
export function blockIndex(layout: BlockLayout): Int32Array {
  const { outer, rows, cols, size } = layout;
  const index = new Int32Array(outer * rows * cols);
  const perRow = cols / size;
  let p = 0;
  for (let s = 0; s < outer; s++) {
    for (let row = 0; row < rows; row++) {
      const base = (s * (rows / size) + Math.floor(row / size)) * perRow;
      for (let col = 0; col < cols; col++) index[p++] = base + Math.floor(col / size);
    }
  }
  return index;
}

/** A block's aggregate score: the sum of the per-weight `scores` over its b² positions (float64). */
export function blockScores(scores: ArrayLike<number>, index: Int32Array, blocks: number): Float64Array {
  const sums = new Float64Array(blocks);
  for (let p = 0; p < index.length; p++) sums[index[p]!]! += scores[p]!;
  return sums;
}

/** The weight mask of a block mask: every position takes its block's state. */
export function expandBlocks(blockMask: ArrayLike<number>, index: Int32Array): Uint8Array {
  const mask = new Uint8Array(index.length);
  for (let p = 0; p < index.length; p++) mask[p] = blockMask[index[p]!] !== 0 ? 1 : 0;
  return mask;
}

/** The flat positions of the given blocks, ascending. */
export function positionsOfBlocks(blocks: ArrayLike<number>, index: Int32Array, count: number): Int32Array {
  const chosen = new Uint8Array(count);
  for (let i = 0; i < blocks.length; i++) chosen[blocks[i]!] = 1;
  const out: number[] = [];
  for (let p = 0; p < index.length; p++) if (chosen[index[p]!]) out.push(p);
  return Int32Array.from(out);
}

/** The block mask of a weight mask, or the first block (its index) that is neither all active nor all inactive. */
export function blocksOfMask(mask: ArrayLike<number>, index: Int32Array, blocks: number): Uint8Array | { readonly mixed: number } {
  const active = new Int32Array(blocks);
  for (let p = 0; p < index.length; p++) if (mask[p] !== 0) active[index[p]!]!++;
  const full = index.length / blocks;
  const mixed = active.findIndex((a) => a !== 0 && a !== full);
  if (mixed >= 0) return { mixed };
  return Uint8Array.from(active, (a) => (a === 0 ? 0 : 1));
}

/** Active blocks of each masked layer: round(d_l · blocks_l), d_l from the strategy's distribution at its sparsity. */
export function blockBudgets(strategy: Pick<SparseStrategy, 'distribution' | 'sparsity'>, layers: readonly LayerShape[], size: number): number[] {
  const densities = strategy.distribution.densities(layers, strategy.sparsity);
  return layers.map((layer, i) => densityBudget(densities[i]!, blockLayout(layer.shape, size).blocks));
}

/** A mask of `budget` blocks drawn uniformly by `random` (a [0, 1) source), constant on every block. */
export function blockRandomMask(shape: readonly number[], size: number, budget: number, random: () => number): Uint8Array {
  const layout = blockLayout(shape, size);
  return expandBlocks(randomMask(layout.blocks, budget, random), blockIndex(layout));
}

/** A mask keeping the `budget` blocks of highest summed `scores` (ties to the lower block index). */
export function blockHighestMask(scores: ArrayLike<number>, shape: readonly number[], size: number, budget: number): Uint8Array {
  const layout = blockLayout(shape, size);
  const index = blockIndex(layout);
  const chosen = new Uint8Array(layout.blocks);
  for (const b of selectHighest(blockScores(scores, index, layout.blocks), budget)) chosen[b] = 1;
  return expandBlocks(chosen, index);
}

/** Why `mask` breaks b × b blocks with `budget` active blocks, or undefined when it keeps them. */
export function blockViolation(mask: ArrayLike<number>, shape: readonly number[], size: number, budget: number): string | undefined {
  const layout = blockLayout(shape, size);
  const blocks = blocksOfMask(mask, blockIndex(layout), layout.blocks);
  if ('mixed' in blocks) return `block ${blocks.mixed} is partly active (a ${size} × ${size} block is all active or all inactive)`;
  let active = 0;
  for (const b of blocks) active += b;
  return active === budget ? undefined : `it holds ${active} active blocks of ${size} × ${size}, not its budget of ${budget}`;
}

/** The block sizes dividing every layer's input and output sizes (1 always does). */
function commonDivisors(layers: readonly LayerShape[]): number[] {
  const dims = layers.flatMap((l) => [l.shape[l.shape.length - 2]!, l.shape[l.shape.length - 1]!]);
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = dims.reduce(gcd, 0);
  return Array.from({ length: g }, (_, i) => i + 1).filter((d) => g % d === 0);
}

/**
 * Checks a block strategy against the masked layers before training and throws naming the field, the layer and
 * the value: `size` an integer ≥ 1 dividing every Dense or convolution kernel's input and output sizes (embedding
 * tables refused); every layer's round(d_l · blocks_l) ≥ 1; a `random` or layer-scope `scored` init; updates that
 * are drop-and-grow per layer (a grow criterion, no pruning target, no global scope, no redistribution).
 */
export function checkBlockGranularity(strategy: SparseStrategy, granularity: BlockGranularity, layers: readonly LayerShape[]): void {
  const b = granularity.size;
  if (typeof b !== 'number' || !Number.isInteger(b) || b < 1) throw new Error(`strategy.granularity.size must be an integer ≥ 1 (the block side b), got ${JSON.stringify(b)}`);
  for (const layer of layers) {
    if (layer.kind !== 'dense' && layer.kind !== 'conv') {
      throw new Error(`strategy.granularity 'block': layer ${layer.layerName} is a masked ${layer.kind} table; blocks apply to Dense and convolution kernels only (leave it out of layers.include)`);
    }
    const rows = layer.shape[layer.shape.length - 2]!;
    const cols = layer.shape[layer.shape.length - 1]!;
    if (rows % b !== 0 || cols % b !== 0) {
      throw new Error(
        `strategy.granularity.size = ${b} does not divide the [${rows}, ${cols}] input and output sizes of layer ${layer.layerName} (kernel [${layer.shape.join(', ')}]); ` +
          `use a block size dividing every masked layer's input and output sizes (here: ${commonDivisors(layers).join(', ')}) or leave the layer out of layers.include`,
      );
    }
  }
  const densities = strategy.distribution.densities(layers, strategy.sparsity);
  const budgets = blockBudgets(strategy, layers, b);
  budgets.forEach((budget, i) => {
    if (budget >= 1) return;
    const layer = layers[i]!;
    const blocks = blockLayout(layer.shape, b).blocks;
    throw new Error(
      `strategy.granularity 'block': layer ${layer.layerName} (kernel [${layer.shape.join(', ')}], ${blocks} blocks of ${b} × ${b}) gets density ${densities[i]} from distribution '${strategy.distribution.kind}', so round(${densities[i]} · ${blocks}) = 0 active blocks; ` +
        `it needs density ≥ ${0.5 / blocks}: lower strategy.sparsity, use a smaller block size or a distribution that gives it more, or leave it out of layers.include`,
    );
  });
  const init = strategy.init;
  if (init.kind === 'dense') throw new Error("strategy.init 'dense' cannot be combined with granularity 'block' (masks start with round(d_l · blocks_l) active blocks); use init 'random' or a layer-scope 'scored' init");
  if (init.kind === 'scored' && init.scope !== 'layer') throw new Error(`strategy.init.scope '${init.scope}' cannot be combined with granularity 'block' (every layer keeps its own block budget); use scope 'layer'`);
  const problem = nmUpdateProblem(strategy);
  if (problem) throw new Error(problem);
}
