import { checkSparsity, closedObject, createComponent, defineComponent } from '@topiary/core';
import type { Distribution, LayerShape } from '@topiary/core';
import type { z } from 'zod';
import { scaledDensities } from './erdos-renyi-solver.js';
import { checkLayers, resolveLayerNames } from './layers.js';
import { denseLayersOption, frozenDense } from './options.js';

const erdosRenyiOptions = closedObject({ dense: denseLayersOption });

/** Options of {@link erdosRenyi}. */
export type ErdosRenyiOptions = z.input<typeof erdosRenyiOptions>;

/** {@link ErdosRenyiOptions} with every default filled in. */
export interface ResolvedErdosRenyiOptions {
  /** Layers held dense inside the accounting. */
  readonly dense: readonly string[];
}

/** The Erdős–Rényi distribution, with the options it was built from. */
export interface ErdosRenyiDistribution extends Distribution {
  /** Always `er`. */
  readonly kind: 'er';
  /** The resolved options. */
  readonly options: ResolvedErdosRenyiOptions;
}

/**
 * Erdős–Rényi raw density (Mocanu et al. 2018, SET): raw_l = (n_in + n_out) / (n_in · n_out). For
 * convolution kernels n_in and n_out are the input and output channels (`fanIn`, `fanOut`) and the kernel's
 * spatial size is ignored, as in RigL's ER (the last two kernel dimensions); ERK accounts for it.
 */
export function erdosRenyiRaw(layer: LayerShape): number {
  return (layer.fanIn + layer.fanOut) / (layer.fanIn * layer.fanOut);
}

/**
 * Erdős–Rényi layer-wise sparsity (Mocanu et al. 2018; as used by RigL, Evci et al. 2020 §3):
 * density_l = ε · (n_in + n_out) / (n_in · n_out), with ε solved so that Σ density_l · N_l = (1 − S) · Σ N_l
 * (SET fixes ε = 20 instead; here S sets it). Layers whose density would exceed 1 become dense, the largest
 * raw density first, and ε is solved again over the rest. Layers named in `dense` are held at 1 and their
 * weights count as nonzeros, so S stays the sparsity over all the given layers.
 *
 * @example
 * ```ts
 * const densities = erdosRenyi().densities(layers, 0.9);
 * ```
 */
export function erdosRenyi(options?: ErdosRenyiOptions): ErdosRenyiDistribution {
  return createComponent(erdosRenyiDescriptor, options) as ErdosRenyiDistribution;
}

/** The descriptor of {@link erdosRenyi}: kind `er`. */
export const erdosRenyiDescriptor = defineComponent({
  family: 'distribution',
  kind: 'er',
  doc: 'Erdős–Rényi: density ∝ (n_in + n_out)/(n_in · n_out), scaled to the budget (SET).',
  options: erdosRenyiOptions,
  create: (options): ErdosRenyiDistribution => {
    const dense = frozenDense(options.dense);
    const resolved: ResolvedErdosRenyiOptions = Object.freeze({ dense });
    return {
      kind: 'er',
      options: resolved,
      densities(layers: readonly LayerShape[], sparsity: number): number[] {
        checkSparsity(sparsity);
        checkLayers(layers);
        const denseSet = resolveLayerNames(layers, dense, 'er.dense');
        return scaledDensities({ layers, sparsity, raw: erdosRenyiRaw, dense: denseSet, field: 'er.dense' });
      },
    };
  },
});
