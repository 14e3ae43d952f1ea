import { sha256OfJson } from '../json/canonical-json.js';
import { builtinPluginSet, pluginsNamedBy, type LoadedPlugin, type PluginSet } from '../plugins/plugin-set.js';
import type { RunConfig } from './config.js';

/**
 * Config fields that say where or how a run executes, not what it computes: the folder a named data set's files
 * are read from (Fashion-MNIST is the same data wherever it lies), the backend and what the training log holds.
 * They are stored with each result but left out of its identity (the training engine enters it unless it is
 * `masked`), so a resumed or sharded bench finds finished
 * runs even when it reads the data from elsewhere or runs on another backend. For `idx` and `npy` data the
 * folder *is* the data set (MNIST or KMNIST), so there `data.dir` stays in the identity.
 */
export const EXECUTION_ONLY_FIELDS = ['backend', 'data.dir', 'logging'] as const;

/** Data kinds whose `dir` names the data set itself rather than where a named data set is stored. */
const DIR_IS_THE_DATA: ReadonlySet<string> = new Set(['idx', 'npy']);

/** The plugins whose components, model or data set a run config names: their code is part of what the run computes. */
export function pluginsUsedBy(config: RunConfig, plugins: PluginSet): LoadedPlugin[] {
  return pluginsNamedBy(plugins, { algorithm: config.algorithm, model: config.model.kind, dataset: config.data.dataset });
}

/**
 * The part of a resolved run configuration that identifies the experiment (execution-only fields removed). When the
 * config names a plugin's component, model or data set, the SHA-256 of each such plugin file is part of it too
 * (`plugins`, sorted): a changed plugin is another experiment, while where the file lies is not, as for `data.dir`.
 * Runs that name no plugin keep the identity they have without plugins.
 */
export function experimentIdentity(config: RunConfig, plugins: PluginSet = builtinPluginSet): Record<string, unknown> {
  const { backend: _backend, logging: _logging, engine, ...rest } = config;
  let identity: Record<string, unknown>;
  if (DIR_IS_THE_DATA.has(config.data.dataset)) identity = { ...rest, data: config.data };
  else {
    const { dir: _dir, ...data } = config.data;
    identity = { ...rest, data };
  }
  // the masked engine is every run's engine before there was a choice: only `sparse` and `auto` enter the identity
  if (engine !== 'masked') identity = { ...identity, engine };
  const used = [...new Set(pluginsUsedBy(config, plugins).map((plugin) => plugin.sha256))].sort();
  return used.length === 0 ? identity : { ...identity, plugins: used };
}

/** The run's identity: SHA-256 of the canonical JSON of {@link experimentIdentity}, 64 hex digits. */
export function configHash(config: RunConfig, plugins: PluginSet = builtinPluginSet): string {
  return sha256OfJson(experimentIdentity(config, plugins));
}
