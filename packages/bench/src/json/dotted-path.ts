/** A JSON value as found in suite and config files. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A plain JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Whether a value is a plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Splits a dotted path such as `algorithm.distribution.kind` into its keys.
 * Throws when the path is empty or has an empty segment (`a..b`, `.a`).
 */
export function splitPath(path: string): string[] {
  const keys = path.split('.');
  if (path.length === 0 || keys.some((key) => key.length === 0)) {
    throw new RangeError(`axis path must be dot-separated keys such as "algorithm.sparsity", got ${JSON.stringify(path)}`);
  }
  return keys;
}

/** Reads the value at a dotted path; `undefined` when any step of the path is missing. */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of splitPath(path)) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * Returns a copy of `target` with `value` at the dotted path, creating missing objects on the way.
 * Throws when a step of the path holds something that is not an object.
 */
export function setPath(target: JsonObject, path: string, value: JsonValue): JsonObject {
  const keys = splitPath(path);
  const root = structuredClone(target);
  let current: JsonObject = root;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      current[key] = structuredClone(value);
      return;
    }
    const next = current[key];
    if (next === undefined) {
      const created: JsonObject = {};
      current[key] = created;
      current = created;
    } else if (isPlainObject(next)) {
      current = next as JsonObject;
    } else {
      throw new RangeError(
        `cannot set ${JSON.stringify(path)}: ${JSON.stringify(keys.slice(0, i + 1).join('.'))} holds ${JSON.stringify(next)}, not an object`,
      );
    }
  });
  return root;
}

/**
 * Deep-merges `patch` over `base`: objects merge key by key, everything else (numbers, strings, arrays)
 * in the patch replaces what the base has. Neither input is changed.
 */
export function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const out = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing as JsonObject, value as JsonObject) : structuredClone(value);
  }
  return out;
}
