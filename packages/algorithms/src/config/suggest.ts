import { z } from 'zod';

/** Levenshtein distance between two strings, case-insensitive (`dropfraction` is 0 away from `dropFraction`). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** The candidate nearest to `word` by {@link editDistance} if close enough to be a likely typo, else one that contains it. */
export function nearestName(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3))) return best;
  return lower.length >= 3 ? candidates.find((candidate) => candidate.toLowerCase().includes(lower)) : undefined;
}

/** `unknown key "dropfraction" (did you mean "dropFraction"?)`, or the allowed keys when none is near. */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const parts = keys.map((key) => {
    const near = nearestName(key, known);
    return near !== undefined ? `${JSON.stringify(key)} (did you mean ${JSON.stringify(near)}?)` : JSON.stringify(key);
  });
  const allowed = known.length > 0 ? `; allowed: ${known.join(', ')}` : '';
  return `unknown key${keys.length === 1 ? '' : 's'} ${parts.join(', ')}${allowed}`;
}

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
