import { check, checkSparsity } from '@topiary/core';
import type { Distribution, LayerShape } from '@topiary/core';
import { splitBudget } from './budget.js';
import { checkLayers, resolveLayerNames } from './layers.js';
import { checkOptionKeys, resolveDenseOption } from './options.js';
import type { DistributionCommonOptions } from './options.js';

/** Options of {@link uniform}. */
export interface UniformOptions extends DistributionCommonOptions {
  /**
   * Keep the first layer (in the order given) dense and leave it out of the accounting, as RigL's code does
   * under uniform: the other layers stay at density 1 − S, so the sparsity over all layers ends below S.
   * @default false
   */
  denseFirstLayer?: boolean;
}

/** {@link UniformOptions} with every default filled in. */
export interface ResolvedUniformOptions {
  /** Whether the first layer is dense and outside the accounting. */
  readonly denseFirstLayer: boolean;
  /** Layers held dense inside the accounting. */
  readonly dense: readonly string[];
}

/** The uniform distribution, with the options it was built from. */
export interface UniformDistribution extends Distribution {
  /** Always `uniform`. */
  readonly kind: 'uniform';
  /** The resolved options. */
  readonly options: ResolvedUniformOptions;
}

/**
 * Uniform layer-wise sparsity (Zhu & Gupta 2017; RigL, Evci et al. 2020 §3): density_l = 1 − S for every
 * layer. Layers named in `dense` are held at density 1 and their weights count against the budget, so
 * the other layers share the remainder equally: density = ((1 − S) · Σ size − Σ size_dense) / Σ size_rest.
 * With `denseFirstLayer` the first layer is dense and S refers to the other layers only.
 *
 * @example
 * ```ts
 * const densities = uniform().densities(layers, 0.9); // [0.1, 0.1, ...]
 * ```
 */
export function uniform(options?: UniformOptions): UniformDistribution {
  checkOptionKeys(options, ['denseFirstLayer', 'dense'], 'uniform');
  const denseFirstLayer = options?.denseFirstLayer ?? false;
  check(typeof denseFirstLayer === 'boolean', 'uniform.denseFirstLayer', denseFirstLayer, 'true or false');
  const dense = resolveDenseOption(options?.dense, 'uniform.dense');
  const resolved: ResolvedUniformOptions = Object.freeze({ denseFirstLayer, dense });
  return {
    kind: 'uniform',
    options: resolved,
    densities(layers: readonly LayerShape[], sparsity: number): number[] {
      checkSparsity(sparsity);
      checkLayers(layers);
      const denseSet = resolveLayerNames(layers, dense, 'uniform.dense');
      const outside = new Set<number>(denseFirstLayer ? [0] : []);
      const { free, budget } = splitBudget({ layers, sparsity, dense: denseSet, outside, field: 'uniform.dense' });
      const freeSize = free.reduce((sum, i) => sum + layers[i]!.size, 0);
      // Without dense layers this is exactly 1 − S; avoid the round trip through budget / size then.
      const density = denseSet.size === 0 ? 1 - sparsity : freeSize === 0 ? 1 : Math.min(1, budget / freeSize);
      const freeSet = new Set(free);
      return layers.map((_, i) => (freeSet.has(i) ? density : 1));
    },
  };
}
