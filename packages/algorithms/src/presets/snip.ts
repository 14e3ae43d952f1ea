import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import { saliencyDrop } from '@topiary/drop';
import { z } from 'zod';
import { presetFields } from './fields.js';

/** Where a scored initialisation ranks: one ranking over all masked layers (SNIP's), or per-layer budgets from the distribution. */
export const scoredScopeField = z.enum(['global', 'layer']).optional().describe("`global`: one ranking over all layers (SNIP, the default); `layer`: per-layer budgets from the distribution.");

/** The scope a scored initialisation uses when none is given, in presets and JSON alike. */
export const DEFAULT_SCORED_SCOPE = 'global';

const snipOptions = closedObject({ ...presetFields, scope: scoredScopeField });

/** Options of {@link snip}. */
export type SnipOptions = z.input<typeof snipOptions>;

/**
 * SNIP (Lee et al. 2019, "Single-shot Network Pruning based on Connection Sensitivity"): one-shot mask at
 * initialisation keeping the weights with the largest saliency |w · ∂L/∂w| on the first batch, then static.
 */
export function snip(options: SnipOptions): SparseStrategy {
  return createComponent(snipDescriptor, options);
}

/** The descriptor of {@link snip}: method `snip`. */
export const snipDescriptor = defineComponent({
  family: 'preset',
  kind: 'snip',
  doc: 'SNIP (Lee et al. 2019): keep the weights with the largest saliency |w · ∂L/∂w| on the first batch, then static.',
  options: snipOptions,
  example: { sparsity: 0.9, totalSteps: 1000 },
  create: (options): SparseStrategy => ({
    name: 'snip',
    sparsity: options.sparsity,
    distribution: options.distribution ?? erdosRenyiKernel(),
    init: { kind: 'scored', criterion: saliencyDrop(), scope: options.scope ?? DEFAULT_SCORED_SCOPE },
  }),
});
