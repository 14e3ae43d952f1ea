import type { z } from 'zod';
import { strategyConfigSchema, type StrategyConfig } from './schema.js';
import { describeIssue, formatPath } from '@topiary/core';

/** A config that failed validation; `issues` carry JSON paths such as `algorithm.distribution.kind`. */
export class ConfigError extends Error {
  /** Each problem with its dotted JSON path. */
  readonly issues: readonly { readonly path: string; readonly message: string }[];

  /** Builds the error from path/message pairs. */
  constructor(issues: readonly { path: string; message: string }[]) {
    super(issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Turns a zod error (parsed with `reportInput: true`) into a {@link ConfigError} whose paths start at `root`; messages show the refused values. */
export function configErrorFromZod(error: z.ZodError, root: string): ConfigError {
  return new ConfigError(
    error.issues.map((issue) => {
      const { path, message } = describeIssue(issue);
      return { path: formatPath(root, path), message };
    }),
  );
}

/**
 * Validates a strategy written as JSON and returns it typed. Throws a {@link ConfigError} naming the JSON path
 * of every problem (`root` prefixes the paths, e.g. `algorithm`).
 */
export function parseStrategyConfig(json: unknown, root = ''): StrategyConfig {
  const result = strategyConfigSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw configErrorFromZod(result.error, root);
  return result.data;
}
