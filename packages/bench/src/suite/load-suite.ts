import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { configHash } from '../results/config-hash.js';
import { runConfigSchema, type RunConfig } from '../train/config.js';
import type { JsonValue } from './dotted-path.js';
import { checkRuns, type CheckRunsOptions } from './check-runs.js';
import { expandGrid } from './expand-grid.js';
import { formatJsonPath } from './json-path.js';
import { locateInSuite, resolveRuns, type ResolvedRun } from './resolve-runs.js';
import { SuiteError, type SuiteProblem } from './suite-error.js';
import { suiteSchema, type Suite } from './suite-schema.js';
import { flattenIssues } from './zod-issues.js';

/** A suite file read, expanded and validated: the runs it asks for. */
export interface LoadedSuite {
  /** The validated suite file. */
  readonly suite: Suite;
  /** Distinct runs in suite order, each with its resolved configuration and hash. */
  readonly runs: ResolvedRun<RunConfig>[];
  /** Expanded runs dropped because an earlier run has the same configuration. */
  readonly duplicates: number;
}

/** Options for {@link loadSuite} and {@link resolveSuite}. */
export interface LoadSuiteOptions extends CheckRunsOptions {
  /** Backend to use for every run, replacing the suite's `backend`. */
  readonly backend?: string;
  /** Folder holding the data files, replacing the suite's `data.dir`. */
  readonly dataDir?: string;
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
 * Expands a suite and validates every run configuration against the run-config schema before anything runs.
 * @example
 * const { runs } = resolveSuite(parseSuite({ name: 'demo', base: {}, axes: { seed: [0, 1] } }));
 */
export function resolveSuite(suite: Suite, options: LoadSuiteOptions = {}, source = suite.name): LoadedSuite {
  const { problems, locate: _locate, ...loaded } = expandSuite(suite, options, source);
  if (problems.length > 0) throw new SuiteError(source, problems);
  return loaded;
}

function expandSuite(suite: Suite, options: LoadSuiteOptions, source: string): LoadedSuite & { problems: readonly SuiteProblem[]; locate: CheckRunsOptions['locate'] } {
  const overrides: Record<string, { value: JsonValue; option: string }> = {};
  if (options.backend !== undefined) overrides['backend'] = { value: options.backend, option: '--backend' };
  if (options.dataDir !== undefined) overrides['data.dir'] = { value: options.dataDir, option: '--data' };
  let planned;
  try {
    planned = expandGrid(suite);
  } catch (error) {
    throw new SuiteError(source, [{ where: '$', message: (error as Error).message, runs: [] }]);
  }
  const { runs, duplicates, problems } = resolveRuns(suite, planned, {
    schema: runConfigSchema,
    identify: configHash,
    overrides,
    source,
    collectProblems: true,
  });
  const plans = new Map(planned.map((plan) => [plan.index, plan]));
  const locate = (run: ResolvedRun<RunConfig>, configPath: readonly (string | number)[]): string => {
    const plan = plans.get(run.index);
    return plan ? locateInSuite(plan, configPath, suite, overrides) : configPath.join('.');
  };
  return { suite, runs, duplicates, problems: problems ?? [], locate };
}

/**
 * Reads a suite file, expands it and validates every run, all before anything runs: the file's structure, each
 * run config against the schema (problems located by the file's JSON paths), then each run as a whole
 * ({@link checkRuns}: batch vs data, the strategy over the run's step count, the distribution vs the model's
 * layers). Throws one {@link SuiteError} listing every problem.
 */
export async function loadSuite(file: string, options: LoadSuiteOptions = {}): Promise<LoadedSuite> {
  const source = basename(file);
  const text = await readFile(file, 'utf8');
  const { problems, locate, ...loaded } = expandSuite(parseSuite(parseJsonText(text, file), source), options, source);
  // the runs whose config is valid are checked whole too, so that one error report lists every problem
  const all = [...problems, ...(await checkRuns(loaded.runs, { locate, ...options }))];
  if (all.length > 0) throw new SuiteError(source, all);
  return loaded;
}
