import { builtinRegistry } from './builtin-registry.js';
import type { ComponentRegistry } from './component-registry.js';
import { configErrorFromZod } from './config-error.js';
import type { StrategyConfig } from './config-types.js';

/**
 * Validates a strategy written as JSON against the registry's derived schema (the built-in one by default) and
 * returns it. Throws a {@link ConfigError} naming the JSON path of every problem (`root` prefixes the paths,
 * e.g. `algorithm`).
 */
export function parseStrategyConfig(json: unknown, root = '', registry: ComponentRegistry = builtinRegistry): StrategyConfig {
  const result = registry.strategySchema().safeParse(json, { reportInput: true });
  if (!result.success) throw configErrorFromZod(result.error, root);
  return result.data as StrategyConfig;
}

export { ConfigError, configErrorFromZod } from './config-error.js';
