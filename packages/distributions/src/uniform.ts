import { checkSparsity, closedObject, createComponent, defineComponent } from '@topiary/core';
import type { Distribution, LayerShape } from '@topiary/core';
import { z } from 'zod';
import { splitBudget } from './budget.js';
import { checkLayers, resolveLayerNames } from './layers.js';
import { denseLayersOption, frozenDense } from './options.js';

const uniformOptions = closedObject({
  denseFirstLayer: z
    .boolean('must be true or false')
    .optional()
    .describe("Keep the first layer (in the order given) dense and leave it out of the accounting, as RigL's code does under uniform: the other layers stay at density 1 − S, so the sparsity over all layers ends below S. Default false."),
  dense: denseLayersOption,
});

/** Options of {@link uniform}. */
export type UniformOptions = z.input<typeof uniformOptions>;

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
  return createComponent(uniformDescriptor, options) as UniformDistribution;
}

/** The descriptor of {@link uniform}: kind `uniform`. */
export const uniformDescriptor = defineComponent({
  family: 'distribution',
  kind: 'uniform',
  doc: 'The same density 1 − S in every layer (Zhu & Gupta 2017).',
  options: uniformOptions,
  create: (options): UniformDistribution => {
    const denseFirstLayer = options.denseFirstLayer ?? false;
    const dense = frozenDense(options.dense);
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
  },
});
