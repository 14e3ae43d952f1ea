import type { z } from 'zod';

/** A zod issue reduced to a key path and a message that shows the offending value. */
export interface FlatIssue {
  /** Keys leading to the problem inside the validated value. */
  readonly path: readonly (string | number)[];
  /** What is wrong, e.g. `Too big: expected number to be <1 (got 1.5)`. */
  readonly message: string;
}

/** Flattens zod issues: one entry per unknown key, the input value appended to the message when known. */
export function flattenIssues(error: z.ZodError): FlatIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown key (not a field of this object)' }));
    }
    const input = 'input' in issue ? issue.input : undefined;
    const got = input === undefined ? '' : ` (got ${safeJson(input)})`;
    return [{ path, message: `${issue.message}${got}` }];
  });
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}
