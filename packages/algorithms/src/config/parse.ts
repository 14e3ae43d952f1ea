import { z } from 'zod';
import { strategyConfigSchema, type StrategyConfig } from './schema.js';

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

/** Joins a root path and zod's path into `a.b[2].c`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Turns a zod error into a {@link ConfigError} whose paths start at `root`. */
export function configErrorFromZod(error: z.ZodError, root: string): ConfigError {
  return new ConfigError(
    error.issues.map((issue) => {
      let message = issue.message;
      if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
        message = `unknown ${String(issue.discriminator)}; allowed: ${describeOptions(issue)}`;
      }
      if (issue.code === 'unrecognized_keys') message = `unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      return { path: formatPath(root, issue.path), message };
    }),
  );
}

function describeOptions(issue: z.core.$ZodIssue): string {
  const note = (issue as { note?: string }).note;
  return note ?? issue.message;
}

/**
 * Validates a strategy written as JSON and returns it typed. Throws a {@link ConfigError} naming the JSON path
 * of every problem (`root` prefixes the paths, e.g. `algorithm`).
 */
export function parseStrategyConfig(json: unknown, root = ''): StrategyConfig {
  const result = strategyConfigSchema.safeParse(json);
  if (!result.success) throw configErrorFromZod(result.error, root);
  return result.data;
}
