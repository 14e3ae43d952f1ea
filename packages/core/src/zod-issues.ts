import type { z } from 'zod';
import { showValue } from './show-value.js';
import { nearestName, unknownKeysMessage } from './suggest.js';

/** One zod issue as a key path and a message that shows the refused value. */
export interface DescribedIssue {
  /** Keys leading to the problem inside the validated value. */
  readonly path: readonly (string | number)[];
  /** What is wrong and the value refused, e.g. `must be < 1 (got 1.5)`. */
  readonly message: string;
}

/** Joins a root path and a key path into `a.b[2].c`. */
export function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/**
 * Describes a zod issue (parsed with `reportInput: true`) for people: unknown keys with the nearest valid key,
 * an unknown discriminator with the allowed values, and `(got …)` with the refused value everywhere else.
 */
export function describeIssue(issue: z.core.$ZodIssue): DescribedIssue {
  const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  if (issue.code === 'unrecognized_keys') {
    const message = issue.message.startsWith('unknown key') ? issue.message : unknownKeysMessage(issue.keys, []);
    return { path, message };
  }
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const key = String(issue.discriminator);
    const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
    const input = issue.input as Record<string, unknown> | undefined;
    const got = input !== null && typeof input === 'object' ? input[key] : undefined;
    const near = typeof got === 'string' ? nearestName(got, options) : undefined;
    const hint = near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : '';
    const value = got === undefined ? 'missing' : `got ${showValue(got)}`;
    return { path: path.at(-1) === key ? path : [...path, key], message: `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')} (${value})${hint}` };
  }
  const input = 'input' in issue ? issue.input : undefined;
  const got = input === undefined ? ' (missing)' : ` (got ${showValue(input)})`;
  return { path, message: `${issue.message}${got}` };
}

/**
 * Every issue of a zod error (parsed with `reportInput: true`) described by {@link describeIssue}; an
 * unknown-keys issue becomes one entry per key, whose path ends at that key.
 */
export function flattenIssues(error: z.ZodError): DescribedIssue[] {
  return error.issues.flatMap((issue) => {
    const described = describeIssue(issue);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...described.path, key], message: described.message }));
    return [described];
  });
}

/** One line per issue, each `path: message` with the path under `root` (e.g. `rigl.dropFraction: must be ≤ 1 (got 1.5)`). */
export function issueLines(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) => {
    const { path, message } = describeIssue(issue);
    return `${formatPath(root, path) || '(root)'}: ${message}`;
  });
}
