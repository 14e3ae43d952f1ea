import { builtinRegistry } from './builtin-registry.js';

/** Any built-in strategy in JSON: a union discriminated on `method`, derived from the preset descriptors. */
export const strategyConfigSchema = builtinRegistry.strategySchema();
/** A built-in distribution in JSON. */
export const distributionConfigSchema = builtinRegistry.configSchema('distribution');
/** A built-in grown-weight initialiser in JSON. */
export const growInitConfigSchema = builtinRegistry.configSchema('growInit');
/** A built-in drop criterion in JSON. */
export const dropComponentConfigSchema = builtinRegistry.configSchema('drop');
/** A built-in grow criterion in JSON. */
export const growComponentConfigSchema = builtinRegistry.configSchema('grow');
/** A built-in redistribution rule in JSON. */
export const redistributionComponentConfigSchema = builtinRegistry.configSchema('redistribution');

export type { ComponentConfig, DistributionConfig, GrowInitConfig, StrategyConfig } from './config-types.js';

/** The built-in methods a config may name, in the order of the preset list. */
export const methods: readonly string[] = Object.freeze(builtinRegistry.kinds('preset'));

