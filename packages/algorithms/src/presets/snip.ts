import type { SparseStrategy } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import { saliencyDrop } from '@topiary/drop';
import { z } from 'zod';
import { closedObject } from '../config/suggest.js';
import { checkPresetOptions, presetFields, type PresetOptions } from './common.js';

const snipOptionsSchema = closedObject({ ...presetFields, scope: z.enum(['global', 'layer']).optional() });

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
  checkPresetOptions('snip', snipOptionsSchema, options);
  const scope = options.scope ?? 'global';
  return {
    name: 'snip',
    sparsity: options.sparsity,
    distribution: options.distribution ?? erdosRenyiKernel(),
    init: { kind: 'scored', criterion: saliencyDrop(), scope },
  };
}
