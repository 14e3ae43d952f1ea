import { checkSparsity, closedObject, createComponent, defineComponent } from '@topiary/core';
import type { Distribution, LayerShape } from '@topiary/core';
import { z } from 'zod';
import { scaledDensities } from './erdos-renyi-solver.js';
import { checkLayers, resolveLayerNames } from './layers.js';
import { denseLayersOption, frozenDense } from './options.js';

const erdosRenyiKernelOptions = closedObject({
  powerScale: z
    .number()
    .min(0, 'must be ≥ 0 (1 is ERK, 0 is uniform)')
    .optional()
    .describe("Exponent applied to the raw density (RigL's erk_power_scale): 1 (the default) is ERK, 0 makes every raw density equal (uniform over the layers that are not held dense), values between interpolate."),
  dense: denseLayersOption,
});

/** Options of {@link erdosRenyiKernel}. */
export type ErdosRenyiKernelOptions = z.input<typeof erdosRenyiKernelOptions>;

/** {@link ErdosRenyiKernelOptions} with every default filled in. */
export interface ResolvedErdosRenyiKernelOptions {
  /** Exponent applied to the raw density. */
  readonly powerScale: number;
  /** Layers held dense inside the accounting. */
  readonly dense: readonly string[];
}

/** The Erdős–Rényi-Kernel distribution, with the options it was built from. */
export interface ErdosRenyiKernelDistribution extends Distribution {
  /** Always `erk`. */
  readonly kind: 'erk';
  /** The resolved options. */
  readonly options: ResolvedErdosRenyiKernelOptions;
}

/**
 * Erdős–Rényi-Kernel raw density (Evci et al. 2020 §3): raw_l = (n_in + n_out + k_h + k_w) /
 * (n_in · n_out · k_h · k_w), generalised to any kernel rank as Σ shape / Π shape. For a dense kernel
 * [n_in, n_out] this is the Erdős–Rényi raw density (n_in + n_out) / (n_in · n_out).
 */
export function erdosRenyiKernelRaw(layer: LayerShape): number {
  const sum = layer.shape.reduce((a, b) => a + b, 0);
  return sum / layer.size;
}

/**
 * Erdős–Rényi-Kernel layer-wise sparsity (Evci et al. 2020 §3; the public code's get_sparsities_erdos_renyi):
 * density_l = ε · (Σ shape_l / Π shape_l)^p, p = `powerScale`, with ε solved so that
 * Σ density_l · N_l = (1 − S) · Σ N_l. Layers whose density would exceed 1 become dense, the largest raw
 * density first, their weights stay in the budget as nonzeros, and ε is solved again over the rest. Layers
 * named in `dense` are held at 1 the same way, so S stays the sparsity over all the given layers.
 *
 * @example
 * ```ts
 * // LeNet-300-100 at S = 0.9: about [0.0796, 0.230, 1]
 * const densities = erdosRenyiKernel().densities(layers, 0.9);
 * ```
 */
export function erdosRenyiKernel(options?: ErdosRenyiKernelOptions): ErdosRenyiKernelDistribution {
  return createComponent(erdosRenyiKernelDescriptor, options) as ErdosRenyiKernelDistribution;
}

/** The descriptor of {@link erdosRenyiKernel}: kind `erk`. */
export const erdosRenyiKernelDescriptor = defineComponent({
  family: 'distribution',
  kind: 'erk',
  doc: 'Erdős–Rényi-Kernel: density ∝ Σ kernel dims / Π kernel dims, scaled to the budget (RigL\'s default).',
  options: erdosRenyiKernelOptions,
  create: (options): ErdosRenyiKernelDistribution => {
    const powerScale = options.powerScale ?? 1;
    const dense = frozenDense(options.dense);
    const resolved: ResolvedErdosRenyiKernelOptions = Object.freeze({ powerScale, dense });
    return {
      kind: 'erk',
      options: resolved,
      densities(layers: readonly LayerShape[], sparsity: number): number[] {
        checkSparsity(sparsity);
        checkLayers(layers);
        const denseSet = resolveLayerNames(layers, dense, 'erk.dense');
        return scaledDensities({
          layers,
          sparsity,
          raw: erdosRenyiKernelRaw,
          power: powerScale,
          dense: denseSet,
          field: 'erk.dense',
        });
      },
    };
  },
});
