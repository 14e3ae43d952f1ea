/** Mean and spread of one measurement over the runs of a table row (usually the seeds). */
export interface SummaryStat {
  /** Number of values. */
  readonly n: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /** Sample standard deviation (n − 1 in the denominator); null when n < 2. */
  readonly std: number | null;
}

/** Mean and sample standard deviation of a non-empty list of numbers. */
export function summarize(values: readonly number[]): SummaryStat {
  if (values.length === 0) throw new RangeError('summarize needs at least one value, got an empty list');
  const n = values.length;
  const mean = values.reduce((sum, x) => sum + x, 0) / n;
  if (n < 2) return { n, mean, std: null };
  const squares = values.reduce((sum, x) => sum + (x - mean) ** 2, 0);
  return { n, mean, std: Math.sqrt(squares / (n - 1)) };
}
