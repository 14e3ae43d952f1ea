import { flattenIssues } from '@topiary/core';
import type { z } from 'zod';
import { isPlainObject, setPath, type JsonObject, type JsonValue } from '../json/dotted-path.js';
import type { AxisLabel } from '../json/axis-label.js';
import type { PlannedRun } from './expand-grid.js';
import { formatJsonPath } from './json-path.js';
import type { Suite } from './suite-schema.js';
import { SuiteError, type SuiteProblem } from './suite-error.js';

/** A validated run of a suite. */
export interface ResolvedRun<C> {
  /** Position in the expanded suite, from 0. */
  readonly index: number;
  /** The sub-grid's label, absent for a single-grid suite. */
  readonly grid?: string;
  /** Axis name → the label of the value this run takes. */
  readonly axes: Readonly<Record<string, AxisLabel>>;
  /** The resolved configuration (every default filled). */
  readonly config: C;
  /** The run's identity hash. */
  readonly hash: string;
}

/** Options for {@link resolveRuns}. */
export interface ResolveRunsOptions<C> {
  /** The schema every run configuration must satisfy; its output is the resolved configuration. */
  readonly schema: z.ZodType<C>;
  /** The identity of a resolved configuration; runs with equal identities are run once. */
  readonly identify: (config: C) => string;
  /** Dotted config paths set on every run after the axes, e.g. from command-line options. @default {} */
  readonly overrides?: Readonly<Record<string, { readonly value: JsonValue; readonly option: string }>>;
  /** The suite's name in error messages. @default 'file' */
  readonly source?: string;
  /** Return the problems in {@link ResolvedSuite.problems} (with the valid runs) instead of throwing. @default false */
  readonly collectProblems?: boolean;
}

/** What {@link resolveRuns} returns. */
export interface ResolvedSuite<C> {
  /** The distinct runs, in suite order. */
  readonly runs: ResolvedRun<C>[];
  /** Runs dropped because an earlier run has the same identity. */
  readonly duplicates: number;
  /** With `collectProblems`: every problem found (the runs that had one are left out of `runs`). */
  readonly problems?: readonly SuiteProblem[];
}

/** A short description of a run for messages: `#3 (algorithm.method=rigl, seed=1)`. */
export function describeRun(run: { readonly index: number; readonly axes: Readonly<Record<string, AxisLabel>> }): string {
  const axes = Object.entries(run.axes).map(([name, label]) => `${name}=${String(label)}`);
  return axes.length === 0 ? `#${run.index}` : `#${run.index} (${axes.join(', ')})`;
}

function startsWith(path: readonly (string | number)[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}

/** Finds where in the suite file (or on the command line) the value at `configPath` of a run came from. */
export function locateInSuite(
  run: PlannedRun,
  configPath: readonly (string | number)[],
  suite: Suite,
  overrides: ResolveRunsOptions<unknown>['overrides'],
): string {
  for (const [path, { option }] of Object.entries(overrides ?? {})) {
    if (startsWith(configPath, path.split('.'))) return `${option} (${path})`;
  }
  for (const patch of [...run.patches].reverse()) {
    if (patch.merge) {
      const first = configPath[0];
      if (first !== undefined && isPlainObject(patch.value) && Object.hasOwn(patch.value, first)) {
        return formatJsonPath([...patch.suitePath, ...configPath]);
      }
    } else if (startsWith(configPath, patch.configPath)) {
      return formatJsonPath([...patch.suitePath, ...configPath.slice(patch.configPath.length)]);
    }
  }
  const first = configPath[0];
  const gridBase = run.gridPath.length > 0 ? suite.grids?.[run.gridPath[1] as number]?.base : undefined;
  if (first !== undefined && gridBase !== undefined && Object.hasOwn(gridBase, first)) {
    return formatJsonPath([...run.gridPath, 'base', ...configPath]);
  }
  return formatJsonPath(configPath.length === 0 ? [] : ['base', ...configPath]);
}

/**
 * Validates every planned run with the schema, all before anything runs, and drops runs whose identity
 * repeats an earlier one. Throws a {@link SuiteError} listing every distinct problem with its location.
 */
export function resolveRuns<C>(suite: Suite, planned: readonly PlannedRun[], options: ResolveRunsOptions<C>): ResolvedSuite<C> {
  const problems = new Map<string, { where: string; message: string; runs: string[] }>();
  const addProblem = (where: string, message: string, run: string): void => {
    const key = `${where}\u0000${message}`;
    const entry = problems.get(key) ?? { where, message, runs: [] };
    entry.runs.push(run);
    problems.set(key, entry);
  };
  const runs: ResolvedRun<C>[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const plan of planned) {
    let raw: JsonObject = plan.raw;
    try {
      for (const [path, { value }] of Object.entries(options.overrides ?? {})) raw = setPath(raw, path, value);
    } catch (error) {
      addProblem('(command line)', (error as Error).message, describeRun(plan));
      continue;
    }
    const parsed = options.schema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      for (const issue of flattenIssues(parsed.error)) {
        addProblem(locateInSuite(plan, issue.path, suite, options.overrides), `${issue.path.join('.') || '(config)'}: ${issue.message}`, describeRun(plan));
      }
      continue;
    }
    const hash = options.identify(parsed.data);
    if (seen.has(hash)) {
      duplicates += 1;
      continue;
    }
    seen.add(hash);
    runs.push({ index: plan.index, ...(plan.grid !== undefined ? { grid: plan.grid } : {}), axes: plan.axes, config: parsed.data, hash });
  }
  if (options.collectProblems) return { runs, duplicates, problems: [...problems.values()] };
  if (problems.size > 0) {
    throw new SuiteError(options.source ?? 'file', [...problems.values()] satisfies SuiteProblem[]);
  }
  return { runs, duplicates };
}
