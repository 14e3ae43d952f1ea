/** Throws a RangeError naming the field, the value and the allowed range when `ok` is false. */
export function check(ok: boolean, field: string, value: unknown, allowed: string): void {
  if (!ok) {
    throw new RangeError(`${field} must be ${allowed}, got ${formatValue(value)}`);
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Checks a sparsity in [0, 1). */
export function checkSparsity(value: number, field = 'sparsity'): void {
  check(Number.isFinite(value) && value >= 0 && value < 1, field, value, 'a number in [0, 1)');
}

/** Checks a fraction in [0, 1]. */
export function checkFraction(value: number, field: string): void {
  check(Number.isFinite(value) && value >= 0 && value <= 1, field, value, 'a number in [0, 1]');
}

/** Checks a positive integer. */
export function checkPositiveInteger(value: number, field: string): void {
  check(Number.isInteger(value) && value > 0, field, value, 'a positive integer');
}

/** Checks a non-negative integer. */
export function checkNonNegativeInteger(value: number, field: string): void {
  check(Number.isInteger(value) && value >= 0, field, value, 'a non-negative integer');
}
