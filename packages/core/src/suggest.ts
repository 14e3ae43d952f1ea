import { check } from './validate.js';

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

/**
 * Checks that `options` is undefined or a plain object whose keys are all in `allowed`; an unknown key is
 * refused with the nearest allowed one suggested (`magnitude: unknown key "tieBreakNose" (did you mean
 * "tieBreakNoise"?); allowed: tieBreakNoise`).
 */
export function checkOptionKeys(options: unknown, allowed: readonly string[], field: string): void {
  if (options === undefined) return;
  check(
    typeof options === 'object' && options !== null && !Array.isArray(options),
    field,
    options,
    `an options object with the keys ${allowed.map((k) => JSON.stringify(k)).join(', ')}`,
  );
  const unknown = Object.keys(options as object).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new RangeError(`${field}: ${unknownKeysMessage(unknown, allowed)}`);
}
