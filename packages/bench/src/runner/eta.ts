/** Formats milliseconds as `41s`, `4m12s` or `1h02m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * Estimates the time left for a batch of runs from the fraction of work done: finished runs count 1, runs in
 * flight count the fraction of their steps taken; time left = elapsed · (1 − f) / f.
 */
export class EtaEstimator {
  private finished = 0;
  private readonly inFlight = new Map<number, number>();

  constructor(
    /** Runs in the batch. */
    private readonly total: number,
    /** When the batch started (ms since the epoch). */
    private readonly startedAt: number,
  ) {}

  /** Records the fraction (0 to 1) of a run in flight. */
  progress(id: number, fraction: number): void {
    this.inFlight.set(id, Math.min(1, Math.max(0, fraction)));
  }

  /** Records a run as finished (or failed: either way no work is left for it). */
  finish(id: number): void {
    this.inFlight.delete(id);
    this.finished += 1;
  }

  /** Fraction of the batch done, in [0, 1]. */
  fraction(): number {
    if (this.total === 0) return 1;
    let partial = 0;
    for (const value of this.inFlight.values()) partial += value;
    return Math.min(1, (this.finished + partial) / this.total);
  }

  /** Milliseconds left, or undefined before any work is done. */
  remaining(now: number): number | undefined {
    const done = this.fraction();
    if (done <= 0) return undefined;
    return ((now - this.startedAt) * (1 - done)) / done;
  }
}
