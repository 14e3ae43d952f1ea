import type { SparseStrategy } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import { saliencyDrop } from '@topiary/drop';
import { checkPreset, type PresetOptions } from './common.js';

/** Options of {@link snip}. */
export interface SnipOptions extends PresetOptions {
  /** `global`: one ranking over all layers (the paper); `layer`: per-layer budgets from the distribution. @default 'global' */
  scope?: 'global' | 'layer';
}

/**
 * SNIP (Lee et al. 2019, "Single-shot Network Pruning based on Connection Sensitivity"): one-shot mask at
 * initialisation keeping the weights with the largest saliency |w · ∂L/∂w| on the first batch, then static.
 */
export function snip(options: SnipOptions): SparseStrategy {
  checkPreset('snip', options);
  const scope = options.scope ?? 'global';
  if (scope !== 'global' && scope !== 'layer') throw new RangeError(`snip.scope must be 'global' or 'layer', got ${JSON.stringify(scope)}`);
  return {
    name: 'snip',
    sparsity: options.sparsity,
    distribution: options.distribution ?? erdosRenyiKernel(),
    init: { kind: 'scored', criterion: saliencyDrop(), scope },
  };
}
