import { check, checkSparsity, closedObject, createComponent, defineComponent } from '@topiary/core';
import type { Distribution, LayerShape } from '@topiary/core';
import { z } from 'zod';
import { checkLayers, describeAvailableNames, namesLayer, resolveLayerNames } from './layers.js';
import { denseLayersOption, frozenDense } from './options.js';

const density = z.number().min(0, 'must be a number in [0, 1]').max(1, 'must be a number in [0, 1]');
const customDistributionOptions = closedObject({
  densities: z
    .record(z.string(), density, 'must be an object mapping layer names to densities in [0, 1]')
    .describe('Density in [0, 1] per layer, keyed by owning layer name (`layerName`) or kernel name (`name`).'),
  default: density.optional().describe('Density in [0, 1] of every layer the map does not name; without it every layer must be named.'),
  dense: denseLayersOption.describe('Layers held at density 1, by `layerName` or `name`; a map entry for them must be 1 or absent. Unlike the other distributions, the remaining densities are not adjusted (there is no budget to keep).'),
});

/** Options of {@link customDistribution}. */
export type CustomDistributionOptions = z.input<typeof customDistributionOptions>;

/** {@link CustomDistributionOptions} with every default filled in. */
export interface ResolvedCustomDistributionOptions {
  /** Density per layer name. */
  readonly densities: Readonly<Record<string, number>>;
  /** Density of the layers the map does not name, if any. */
  readonly default: number | undefined;
  /** Layers held at density 1. */
  readonly dense: readonly string[];
}

/** A custom per-layer distribution, with the options it was built from. */
export interface CustomDistribution extends Distribution {
  /** Always `custom`. */
  readonly kind: 'custom';
  /** The resolved options. */
  readonly options: ResolvedCustomDistributionOptions;
}

/**
 * A per-layer density map (RigL's custom_sparsity_map, given as densities): density_l = densities[name_l],
 * else `default`; layers named in `dense` get 1. A kernel-name key wins over an owning-layer-name key.
 * The overall sparsity passed to `densities()` is checked to lie in [0, 1) and otherwise ignored: the
 * overall sparsity is whatever the map implies (compute it with `overallSparsity(layers,
 * densitiesToCounts(layers, densities))`).
 *
 * @example
 * ```ts
 * customDistribution({ densities: { conv1: 1, fc1: 0.05 }, default: 0.1 });
 * ```
 */
export function customDistribution(options: CustomDistributionOptions): CustomDistribution {
  check(typeof options === 'object' && options !== null && !Array.isArray(options), 'custom', options, 'an options object with a "densities" map');
  return createComponent(customDistributionDescriptor, options) as CustomDistribution;
}

/** The descriptor of {@link customDistribution}: kind `custom`. */
export const customDistributionDescriptor = defineComponent({
  family: 'distribution',
  kind: 'custom',
  doc: 'A density per layer name, with a default for the layers not named (RigL\'s custom sparsity map).',
  options: customDistributionOptions,
  example: { densities: {}, default: 0.1 },
  create: (options): CustomDistribution => {
    const fallback = options.default;
    const dense = frozenDense(options.dense);
    const resolved: ResolvedCustomDistributionOptions = Object.freeze({
      densities: Object.freeze({ ...options.densities }),
      default: fallback,
      dense,
    });
    const keys = Object.keys(resolved.densities);
    return {
      kind: 'custom',
      options: resolved,
      densities(layers: readonly LayerShape[], sparsity: number): number[] {
        checkSparsity(sparsity);
        checkLayers(layers);
        resolveLayerNames(layers, keys, 'custom.densities keys');
        const denseSet = resolveLayerNames(layers, dense, 'custom.dense');
        const uncovered: string[] = [];
        const densities = layers.map((layer, i) => {
          const mapped = lookup(resolved.densities, layer.name) ?? lookup(resolved.densities, layer.layerName);
          if (denseSet.has(i)) {
            check(
              mapped === undefined || mapped === 1,
              `custom.densities[${JSON.stringify(keys.find((key) => namesLayer(layer, key)))}]`,
              mapped,
              `1 or absent, since custom.dense holds ${JSON.stringify(layer.layerName)} dense`,
            );
            return 1;
          }
          const density = mapped ?? fallback;
          if (density === undefined) {
            uncovered.push(layer.layerName);
            return 0;
          }
          return density;
        });
        if (uncovered.length > 0) {
          throw new RangeError(
            `custom.densities must give a density for every masked layer when custom.default is not set; ` +
              `missing: ${uncovered.map((name) => JSON.stringify(name)).join(', ')} (${describeAvailableNames(layers)})`,
          );
        }
        return densities;
      },
    };
  },
});

function lookup(map: Readonly<Record<string, number>>, key: string): number | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
