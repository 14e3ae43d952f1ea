import { describeIssue } from '@topiary/algorithms';
import type { z } from 'zod';

/** A zod issue reduced to a key path and a message that shows the offending value. */
export interface FlatIssue {
  /** Keys leading to the problem inside the validated value. */
  readonly path: readonly (string | number)[];
  /** What is wrong, e.g. `must be < 1 (got 1.5)`. */
  readonly message: string;
}

/**
 * Flattens zod issues (parsed with `reportInput: true`): one entry per unknown key (with the nearest valid key
 * suggested), the refused value appended to every other message.
 */
export function flattenIssues(error: z.ZodError): FlatIssue[] {
  return error.issues.flatMap((issue) => {
    const described = describeIssue(issue);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...described.path, key], message: described.message }));
    }
    return [described];
  });
}
