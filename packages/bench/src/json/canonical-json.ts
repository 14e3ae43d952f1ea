import { createHash } from 'node:crypto';

/**
 * Serialises a JSON value canonically: object keys sorted by code unit, no whitespace, numbers as
 * `JSON.stringify` writes them, `undefined` object fields left out. Equal values give equal strings.
 * Throws on values JSON cannot hold (non-finite numbers, functions, bigints, `undefined` in arrays).
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, where: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${where} must be a finite number to be hashed, got ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => {
      if (item === undefined) throw new RangeError(`${where}[${i}] is undefined, which JSON cannot hold`);
      return write(item, `${where}[${i}]`);
    }).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${write(item, `${where}.${key}`)}`).join(',')}}`;
  }
  throw new TypeError(`${where} is a ${typeof value}, which JSON cannot hold`);
}

/** The SHA-256 of a value's canonical JSON, as 64 lowercase hex digits. */
export function sha256OfJson(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
