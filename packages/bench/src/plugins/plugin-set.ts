import { builtinRegistry, type ComponentRegistry } from '@topiary/algorithms';
import { DatasetRegistry } from '../data/dataset-registry.js';
import { ModelRegistry } from '../models/model-registry.js';
import type { TopiaryPlugin } from './plugin-contract.js';
import { PluginError } from './plugin-error.js';

/** What a plugin path is relative to: the suite file's folder (a suite's `plugins`) or the working directory (`--plugin`). */
export type PluginBase = 'suite' | 'cwd';

/** A plugin module to load: its path as given and the file it names. */
export interface PluginSource {
  /** The path as given, in the suite's `plugins` or to `--plugin`; records and messages name the plugin by it. */
  readonly path: string;
  /** What `path` is relative to. */
  readonly relativeTo: PluginBase;
  /** The module's absolute file path. */
  readonly file: string;
}

/** A plugin module as read: where it is and the SHA-256 of its source (the file and the local modules it imports). */
export interface PluginFile extends PluginSource {
  /** SHA-256 of the plugin's source, 64 lowercase hex digits. */
  readonly sha256: string;
}

/** A plugin module loaded and checked. */
export interface LoadedPlugin extends PluginFile {
  /** What it provides, checked ({@link TopiaryPlugin}). */
  readonly plugin: TopiaryPlugin;
}

/**
 * The plugins a bench loaded and the registries built from them: what run configs may name in `algorithm`,
 * `model.kind` and `data.dataset`. Configs are validated and resolved against it everywhere.
 */
export interface PluginSet {
  /** The plugins, in the order given (a suite's first, then `--plugin`). */
  readonly plugins: readonly LoadedPlugin[];
  /** The built-in components and the plugins'. */
  readonly components: ComponentRegistry;
  /** The built-in models and the plugins'. */
  readonly models: ModelRegistry;
  /** The built-in data sets and the plugins'. */
  readonly datasets: DatasetRegistry;
}

/** No plugin: the built-in components, models and data sets alone. */
export const builtinPluginSet: PluginSet = Object.freeze({
  plugins: Object.freeze([]),
  components: builtinRegistry,
  models: ModelRegistry.builtin(),
  datasets: DatasetRegistry.builtin(),
});

/**
 * Builds the registries of loaded plugins: each plugin's components, models and data sets are added under its path.
 * A kind or name taken by a built-in or an earlier plugin is refused with a {@link PluginError} naming both.
 */
export function combinePlugins(plugins: readonly LoadedPlugin[]): PluginSet {
  let { components, models, datasets } = builtinPluginSet;
  for (const loaded of plugins) {
    const source = loaded.path;
    try {
      components = components.with(loaded.plugin.components ?? [], source);
      models = models.with(loaded.plugin.models ?? [], source);
      datasets = datasets.with(loaded.plugin.datasets ?? [], source);
    } catch (error) {
      const message = (error as Error).message;
      throw new PluginError(source, message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message, '', { cause: error });
    }
  }
  return Object.freeze({ plugins: Object.freeze([...plugins]), components, models, datasets });
}

/** What a run config names that a plugin may provide. */
export interface NamedInConfig {
  /** The strategy config: every `kind` and `method` in it, at any depth, is a component it names. */
  readonly algorithm: unknown;
  /** The model's kind. */
  readonly model: string;
  /** The data set. */
  readonly dataset: string;
}

/** The plugins whose components, model or data set a run config names, in the set's order. */
export function pluginsNamedBy(set: PluginSet, named: NamedInConfig): LoadedPlugin[] {
  if (set.plugins.length === 0) return [];
  const kinds = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if ((key === 'kind' || key === 'method') && typeof child === 'string') kinds.add(child);
        else visit(child);
      }
    }
  };
  visit(named.algorithm);
  return set.plugins.filter(({ plugin }) =>
    (plugin.components ?? []).some((d) => kinds.has(d.kind)) ||
    (plugin.models ?? []).some((d) => d.kind === named.model) ||
    (plugin.datasets ?? []).some((d) => d.name === named.dataset),
  );
}

/** The plugins of a set as files (path, base, file, sha256): what workers load and records name. */
export function pluginFiles(set: PluginSet): PluginFile[] {
  return set.plugins.map(({ path, relativeTo, file, sha256 }) => ({ path, relativeTo, file, sha256 }));
}
