import { describeIssue, formatPath } from '@topiary/core';
import type { z } from 'zod';

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
