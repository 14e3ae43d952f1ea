import { InvalidArgumentError } from 'commander';

/** Commander parser for a positive whole number. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** Commander parser for a comma-separated list of names. */
export function commaList(value: string): string[] {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  if (names.length === 0) throw new InvalidArgumentError(`must name at least one row, e.g. method,sparsity; got ${JSON.stringify(value)}`);
  return names;
}

/** Commander parser for a repeatable option: each occurrence adds its value to the list. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
