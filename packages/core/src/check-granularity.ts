import { checkBlockGranularity } from './block-groups.js';
import { checkFanInGranularity, checkNMGranularity } from './n-m-groups.js';
import type { LayerShape, MaskGranularity, SparseStrategy } from './types.js';

/**
 * Checks a structured strategy against the masked layers before training and throws naming the field, the layer
 * and the value. N:M: n, m integers with 1 ≤ n < m; sparsity 1 − n/m; a distribution giving every layer density
 * n/m; Dense or convolution kernels whose input size m divides. Constant fan-in: Dense or convolution kernels,
 * every k_l ≥ 1, and an `ablation.threshold` in [0, 1]. Both: a `random` or layer-scope `scored` init; an update policy
 * {@link nmUpdateProblem} accepts. Blocks: `checkBlockGranularity`.
 */
export function checkGranularity(strategy: SparseStrategy, layers: readonly LayerShape[]): void {
  const granularity: MaskGranularity | undefined = strategy.granularity;
  if (granularity === undefined) return;
  if (granularity.kind === 'fan-in') return checkFanInGranularity(strategy, layers);
  if (granularity.kind === 'block') return checkBlockGranularity(strategy, granularity, layers);
  if (granularity.kind !== 'n:m') throw new Error(`strategy.granularity.kind must be 'n:m', 'fan-in' or 'block', got ${JSON.stringify((granularity as { kind: unknown }).kind)}`);
  checkNMGranularity(strategy, granularity, layers);
}
