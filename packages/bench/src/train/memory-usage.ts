/** Reads the process's memory: the current resident set size and the process-wide high-water mark, in bytes. */
export interface MemoryReader {
  /** Resident set size now (`process.memoryUsage().rss`), in bytes. */
  rss(): number;
  /** Largest resident set size since the process started (`process.resourceUsage().maxRSS`, kilobytes → bytes). */
  maxRss(): number;
}

/** Reads the memory of the running Node process. */
export const processMemory: MemoryReader = {
  rss: () => process.memoryUsage().rss,
  maxRss: () => process.resourceUsage().maxRSS * 1024,
};

/** A run's memory: the largest resident set size sampled during the run and the process's high-water mark at its end. */
export interface RunMemory {
  /** Largest `rss` sample taken during the run (at its start, after every epoch and at its end), in bytes. */
  readonly peakMemoryBytes: number;
  /** The process's largest resident set size since it started, read at the run's end, in bytes; covers earlier runs of the same process too. */
  readonly processMaxRssBytes: number;
}

/**
 * Samples the resident set size of the process at the points a run calls {@link MemoryTracker.sample} and keeps
 * the largest. A sample sees the memory the process holds at that moment (the V8 heap, tfjs's tensors and the
 * WebAssembly memory, which never shrinks, including what earlier runs of the same process left), so the peak is
 * a lower bound of the true peak between samples; {@link MemoryTracker.result} adds the process-wide high-water mark.
 */
export class MemoryTracker {
  private peak = 0;

  /** Starts tracking with a first sample. */
  constructor(private readonly reader: MemoryReader = processMemory) {
    this.sample();
  }

  /** Takes one sample of the resident set size. */
  sample(): void {
    this.peak = Math.max(this.peak, this.reader.rss());
  }

  /** Takes a last sample and returns the peak sample with the process's high-water mark. */
  result(): RunMemory {
    this.sample();
    return { peakMemoryBytes: this.peak, processMaxRssBytes: this.reader.maxRss() };
  }
}
