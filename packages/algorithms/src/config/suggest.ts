import { nearestName, unknownKeysMessage } from '@topiary/core';
import { z } from 'zod';

export { editDistance, nearestName, unknownKeysMessage } from '@topiary/core';

/** A strict zod object whose unknown-key error names the nearest valid key. */
export function closedObject<S extends z.core.$ZodLooseShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, known) : undefined),
  });
}

/** A value for messages: strings quoted, objects as JSON, long text cut. */
export function formatValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'number' || typeof value === 'bigint' || value === undefined ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** One zod issue as a key path and a message that shows the refused value. */
export interface DescribedIssue {
  /** Keys leading to the problem. */
  readonly path: readonly (string | number)[];
  /** What is wrong and the value refused, e.g. `must be < 1 (got 1.5)`. */
  readonly message: string;
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
    const value = got === undefined ? 'missing' : `got ${formatValue(got)}`;
    return { path: path.at(-1) === key ? path : [...path, key], message: `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')} (${value})${hint}` };
  }
  const input = 'input' in issue ? issue.input : undefined;
  const got = input === undefined ? ' (missing)' : ` (got ${formatValue(input)})`;
  return { path, message: `${issue.message}${got}` };
}
