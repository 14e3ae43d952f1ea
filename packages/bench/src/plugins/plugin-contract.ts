import { closedObject, defineComponent, flattenIssues, formatPath, type AnyComponentDescriptor, type ComponentDescriptor } from '@topiary/core';
import { z } from 'zod';
import { defineDataset, type DatasetDescriptor } from '../data/dataset-descriptor.js';
import { defineModel, type ModelDescriptor } from '../models/model-descriptor.js';
import { PluginError } from './plugin-error.js';

/**
 * What a plugin module provides: its default export (or its export named `plugin`). Every field is optional; what
 * it lists, suites and `--plugin` runs may name in their run configs beside the built-ins.
 */
export interface TopiaryPlugin {
  /**
   * Components, described exactly as the built-ins are (`defineComponent` from `@topiary/core`): drop and grow
   * criteria, grown-weight initialisers, distributions, redistributions, schedules and presets.
   */
  readonly components?: readonly ComponentDescriptor[];
  /** Models, named in run configs' `model.kind` (see {@link defineModel}). */
  readonly models?: readonly ModelDescriptor[];
  /** Data sets, named in run configs' `data.dataset` (see {@link defineDataset}). */
  readonly datasets?: readonly DatasetDescriptor[];
}

/** The fields a plugin may have. */
export const PLUGIN_FIELDS = Object.freeze(['components', 'models', 'datasets'] as const);

/** How a plugin is written, for error messages. */
const HOW = "Export definePlugin({ components?, models?, datasets? }) from @topiary/bench as the module's default export (or as `plugin`).";

const pluginShape = closedObject({
  components: z.array(z.unknown(), { error: 'must be an array of component descriptors (defineComponent from @topiary/core)' }).optional(),
  models: z.array(z.unknown(), { error: 'must be an array of model descriptors (defineModel from @topiary/bench)' }).optional(),
  datasets: z.array(z.unknown(), { error: 'must be an array of data-set descriptors (defineDataset from @topiary/bench)' }).optional(),
});

/**
 * Checks a plugin: an object with only {@link PLUGIN_FIELDS}, each an array, every component checked by
 * `defineComponent` (as the built-ins are), every model by {@link defineModel} and every data set by
 * {@link defineDataset}. Returns the plugin frozen, with the checked descriptors; throws one {@link PluginError}
 * naming `source`, listing each problem with its field (`components[1]: …`) and what is allowed.
 */
export function checkPlugin(value: unknown, source: string): TopiaryPlugin {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new PluginError(source, `the plugin is ${got}, expected an object { components?, models?, datasets? }`, HOW);
  }
  const shape = pluginShape.safeParse(value, { reportInput: true });
  if (!shape.success) {
    const problems = flattenIssues(shape.error).map((issue) => `${formatPath('', issue.path) || '(plugin)'}: ${issue.message}`);
    throw new PluginError(source, problems.join('; '), HOW);
  }
  const problems: string[] = [];
  const each = <D>(field: (typeof PLUGIN_FIELDS)[number], items: readonly unknown[] | undefined, define: (item: never) => D): D[] | undefined =>
    items?.flatMap((item, i) => {
      try {
        return [define(item as never)];
      } catch (error) {
        problems.push(`${field}[${i}]: ${(error as Error).message.replaceAll('\n', '; ')}`);
        return [];
      }
    });
  const components = each('components', shape.data.components, (d: AnyComponentDescriptor) => defineComponent(d) as ComponentDescriptor);
  const models = each('models', shape.data.models, (d: ModelDescriptor) => defineModel(d));
  const datasets = each('datasets', shape.data.datasets, (d: DatasetDescriptor) => defineDataset(d));
  if (problems.length > 0) {
    throw new PluginError(source, problems.join('; '), 'Describe components with defineComponent from @topiary/core, models with defineModel and data sets with defineDataset from @topiary/bench.');
  }
  return Object.freeze({
    ...(components ? { components: Object.freeze(components) } : {}),
    ...(models ? { models: Object.freeze(models) } : {}),
    ...(datasets ? { datasets: Object.freeze(datasets) } : {}),
  });
}

/**
 * Checks a plugin's shape and descriptors ({@link checkPlugin}) where it is written, so a mistake shows before any
 * suite loads it: `export default definePlugin({ components: [myDropDescriptor] })`.
 */
export function definePlugin(plugin: TopiaryPlugin): TopiaryPlugin {
  return checkPlugin(plugin, 'plugin');
}
