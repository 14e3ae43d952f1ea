import { checkPositiveInteger } from '@topiary/core';
import type { ComponentFamily, SparseStrategy } from '@topiary/core';
import { buildComponents } from './json-form.js';
import { builtinRegistry } from './builtin-registry.js';
import type { ComponentRegistry } from './component-registry.js';
import { parseStrategyConfig } from './parse.js';

/** What resolution needs to know about the run. */
export interface ResolveContext {
  /** Optimizer steps of the whole run. */
  readonly totalSteps: number;
  /** Steps per epoch; presets that declare it (SET, SNFS) update once per epoch by default. */
  readonly stepsPerEpoch?: number;
  /** The components configs may name. @default builtinRegistry */
  readonly registry?: ComponentRegistry;
  /** Prefix of error paths, e.g. `algorithm`. @default '' */
  readonly root?: string;
}

/**
 * Turns a strategy written as JSON into a {@link SparseStrategy}: validates it against the registry's schema,
 * builds every component option from its descriptor, adds the run's `totalSteps` (and `stepsPerEpoch` where the
 * preset takes it) and calls the preset's descriptor, which fills the papers' defaults. Errors name the JSON path.
 */
export function resolveStrategy(json: unknown, context: ResolveContext): SparseStrategy {
  const root = context.root ?? '';
  const registry = context.registry ?? builtinRegistry;
  checkPositiveInteger(context.totalSteps, 'totalSteps');
  if (context.stepsPerEpoch !== undefined) checkPositiveInteger(context.stepsPerEpoch, 'stepsPerEpoch');
  const config = parseStrategyConfig(json, root, registry);
  const preset = registry.get('preset', config.method)!;
  const build = (family: ComponentFamily, value: Record<string, unknown>, path: string): unknown => registry.create(family, value, path);
  const options = buildComponents(preset.options, config, build, root) as Record<string, unknown>;
  const shape = preset.options.shape as Record<string, unknown>;
  const run = { totalSteps: context.totalSteps, ...(context.stepsPerEpoch !== undefined && 'stepsPerEpoch' in shape ? { stepsPerEpoch: context.stepsPerEpoch } : {}) };
  return registry.create('preset', { ...options, ...('totalSteps' in shape ? run : {}) }, root);
}
