import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { flattenIssues } from '@topiary/core';
import { isBuiltinModelConfig } from '../models/model-config.js';
import { builtinPluginSet, type PluginSet } from '../plugins/plugin-set.js';
import { configHash } from '../train/config-hash.js';
import { runConfigSchemaFor, type RunConfig } from '../train/config.js';
import type { JsonValue } from '../json/dotted-path.js';
import { checkRuns, type CheckRunsOptions } from './check-runs.js';
import { expandGrid } from './expand-grid.js';
import { formatJsonPath } from './json-path.js';
import { loadSuitePlugins } from './load-suite-plugins.js';
import { locateInSuite, resolveRuns, type ResolvedRun } from './resolve-runs.js';
import { SuiteError, type SuiteProblem } from './suite-error.js';
import { suiteSchema, type Suite } from './suite-schema.js';

/** A suite file read, expanded and validated: the runs it asks for. */
export interface LoadedSuite {
  /** The validated suite file. */
  readonly suite: Suite;
  /** Distinct runs in suite order, each with its resolved configuration and hash. */
  readonly runs: ResolvedRun<RunConfig>[];
  /** Expanded runs dropped because an earlier run has the same configuration. */
  readonly duplicates: number;
  /** The plugins the runs were validated with (the suite's `plugins`, then the `plugins` option), and their registries. */
  readonly pluginSet: PluginSet;
}

/** Options for {@link resolveSuite}. */
export interface ResolveSuiteOptions {
  /** Backend to use for every run, replacing the suite's `backend`. */
  readonly backend?: string;
  /** Folder holding the data files, replacing the suite's `data.dir`. */
  readonly dataDir?: string;
  /** The plugins loaded for the suite (`loadPlugins`), which its runs may name. @default none */
  readonly pluginSet?: PluginSet;
}

/** Options for {@link loadSuite}. */
export interface LoadSuiteOptions extends Omit<CheckRunsOptions, 'pluginSet'>, Omit<ResolveSuiteOptions, 'pluginSet'> {
  /** Plugin modules to load besides the suite's own `plugins` (the CLI's `--plugin`), relative to the working directory. @default [] */
  readonly plugins?: readonly string[];
}

/** Parses JSON text; a syntax error names the file, line and column. */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset).split('\n');
      throw new SyntaxError(`${source}:${before.length}:${before.at(-1)!.length + 1}: invalid JSON: ${message}`);
    }
    throw new SyntaxError(`${source}: invalid JSON: ${message}`);
  }
}

/** Validates a suite's structure (not yet its run configurations); throws a {@link SuiteError} with JSON paths. */
export function parseSuite(json: unknown, source = 'suite'): Suite {
  const parsed = suiteSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    throw new SuiteError(
      source,
      flattenIssues(parsed.error).map((issue) => ({ where: formatJsonPath(issue.path), message: issue.message, runs: [] })),
    );
  }
  return parsed.data;
}

/**
 * Expands a suite and validates every run configuration against the run-config schema before anything runs. It
 * loads no module: a suite with `plugins` needs them loaded into `options.pluginSet` (or {@link loadSuite}).
 * @example
 * const { runs } = resolveSuite(parseSuite({ name: 'demo', base: {}, axes: { seed: [0, 1] } }));
 */
export function resolveSuite(suite: Suite, options: ResolveSuiteOptions = {}, source = suite.name): LoadedSuite {
  if ((suite.plugins ?? []).length > 0 && options.pluginSet === undefined) {
    const message = 'resolveSuite loads no plugin modules: load them with loadPlugins and pass pluginSet, or read the suite file with loadSuite';
    throw new SuiteError(source, [{ where: '$.plugins', message, runs: [] }]);
  }
  const { problems, locate: _locate, ...loaded } = expandSuite(suite, options, source, options.pluginSet ?? builtinPluginSet);
  if (problems.length > 0) throw new SuiteError(source, problems);
  return loaded;
}

/**
 * The run config with its file paths (`data.dir`, `data.path`, `data.train`, `data.test`, a `tfjs` or `module`
 * model's `path`) resolved against `baseDir`, the suite file's folder; absolute paths stay as they are.
 */
export function resolveConfigPaths(config: RunConfig, baseDir: string): RunConfig {
  const at = (path: string | undefined): string | undefined => (path === undefined || isAbsolute(path) ? path : resolve(baseDir, path));
  const data = { ...config.data };
  for (const field of ['dir', 'path', 'train', 'test'] as const) {
    const value = at(data[field]);
    if (value !== undefined) data[field] = value;
  }
  const model = isBuiltinModelConfig(config.model) && (config.model.kind === 'tfjs' || config.model.kind === 'module') ? { ...config.model, path: at(config.model.path)! } : config.model;
  return { ...config, data, model };
}

function expandSuite(
  suite: Suite,
  options: ResolveSuiteOptions,
  source: string,
  plugins: PluginSet,
  baseDir?: string,
): LoadedSuite & { problems: readonly SuiteProblem[]; locate: CheckRunsOptions['locate'] } {
  const overrides: Record<string, { value: JsonValue; option: string }> = {};
  if (options.backend !== undefined) overrides['backend'] = { value: options.backend, option: '--backend' };
  // a folder given on the command line is relative to the working directory, not to the suite file
  if (options.dataDir !== undefined) overrides['data.dir'] = { value: baseDir === undefined ? options.dataDir : resolve(options.dataDir), option: '--data' };
  let planned;
  try {
    planned = expandGrid(suite);
  } catch (error) {
    throw new SuiteError(source, [{ where: '$', message: (error as Error).message, runs: [] }]);
  }
  const { runs, duplicates, problems } = resolveRuns(suite, planned, {
    schema: runConfigSchemaFor(plugins),
    identify: (config) => configHash(config, plugins),
    overrides,
    source,
    collectProblems: true,
  });
  const plans = new Map(planned.map((plan) => [plan.index, plan]));
  const locate = (run: ResolvedRun<RunConfig>, configPath: readonly (string | number)[]): string => {
    const plan = plans.get(run.index);
    return plan ? locateInSuite(plan, configPath, suite, overrides) : configPath.join('.');
  };
  // identities are hashed from the paths as written (so they do not depend on where the suite lies); runs read the resolved ones
  const located = baseDir === undefined ? runs : runs.map((run) => ({ ...run, config: resolveConfigPaths(run.config, baseDir) }));
  return { suite, runs: located, duplicates, pluginSet: plugins, problems: problems ?? [], locate };
}

/**
 * Reads a suite file, expands it and validates every run, all before anything runs: the file's structure, its
 * plugins (each module loaded once and checked; see `loadPlugins`), each run config against the schema with the
 * plugins' components, models and data sets (problems located by the file's JSON paths), then each run as a whole
 * ({@link checkRuns}: batch vs data, the strategy over the run's step count, the distribution vs the model's
 * layers, the model vs the data's shape). Relative file paths in run configs and `plugins` are resolved against the
 * suite file's folder ({@link resolveConfigPaths}); `options.plugins` against the working directory. Throws one
 * {@link SuiteError} listing every problem (a plugin that cannot load stops the check there).
 */
export async function loadSuite(file: string, options: LoadSuiteOptions = {}): Promise<LoadedSuite> {
  const source = basename(file);
  const text = await readFile(file, 'utf8');
  const suite = parseSuite(parseJsonText(text, file), source);
  const suiteDir = dirname(resolve(file));
  const { pluginSet: plugins, problems: pluginProblems } = await loadSuitePlugins(suite, suiteDir, options.plugins ?? []);
  if (pluginProblems.length > 0) throw new SuiteError(source, pluginProblems);
  const { problems, locate, ...loaded } = expandSuite(suite, options, source, plugins, suiteDir);
  // the runs whose config is valid are checked whole too, so that one error report lists every problem
  const all = [...problems, ...(await checkRuns(loaded.runs, { locate, ...options, pluginSet: plugins }))];
  if (all.length > 0) throw new SuiteError(source, all);
  return loaded;
}
