import { loadPlugin, pluginSources } from '../plugins/load-plugins.js';
import { isPluginError } from '../plugins/plugin-error.js';
import { builtinPluginSet, combinePlugins, type LoadedPlugin, type PluginSet, type PluginSource } from '../plugins/plugin-set.js';
import type { SuiteProblem } from './suite-error.js';
import type { Suite } from './suite-schema.js';

/** A plugin to load and where it was named: `$.plugins[0]` in the suite file, or `--plugin <path>`. */
interface NamedSource {
  readonly source: PluginSource;
  readonly where: string;
}

/**
 * Loads the plugins of a suite (its `plugins`, relative to `suiteDir`) and `extra` ones (the CLI's `--plugin`,
 * relative to the working directory), a file named twice once. Each plugin that cannot load, and a kind two of
 * them (or a plugin and a built-in) share, is a {@link SuiteProblem} at the place that named the module; with any
 * problem the built-ins alone are returned.
 */
export async function loadSuitePlugins(suite: Suite, suiteDir: string, extra: readonly string[]): Promise<{ pluginSet: PluginSet; problems: SuiteProblem[] }> {
  const named: NamedSource[] = [
    ...pluginSources(suite.plugins ?? [], suiteDir, 'suite').map((source, i) => ({ source, where: `$.plugins[${i}]` })),
    ...pluginSources(extra, process.cwd(), 'cwd').map((source) => ({ source, where: `--plugin ${source.path}` })),
  ];
  const problems: SuiteProblem[] = [];
  const report = (where: string, error: unknown): void => {
    if (!isPluginError(error)) throw error;
    problems.push({ where, message: error.message, runs: [] });
  };
  const loaded: LoadedPlugin[] = [];
  const whereOf = new Map<string, string>();
  for (const { source, where } of named) {
    if (whereOf.has(source.file)) continue;
    whereOf.set(source.file, where);
    try {
      loaded.push(await loadPlugin(source));
    } catch (error) {
      report(where, error);
    }
  }
  if (problems.length > 0) return { pluginSet: builtinPluginSet, problems };
  try {
    return { pluginSet: combinePlugins(loaded), problems };
  } catch (error) {
    const culprit = isPluginError(error) ? loaded.find((plugin) => plugin.path === error.file) : undefined;
    report((culprit && whereOf.get(culprit.file)) ?? '$.plugins', error);
    return { pluginSet: builtinPluginSet, problems };
  }
}
