import { describe, expect, it } from 'vitest';
import { MemoryTracker, processMemory, type MemoryReader } from '../memory-usage.js';

/** A reader that returns the given rss values in turn (the last one repeated) and a fixed high-water mark. */
function scripted(rss: readonly number[], maxRss: number): MemoryReader & { calls: number } {
  const reader = {
    calls: 0,
    rss: () => rss[Math.min(reader.calls++, rss.length - 1)]!,
    maxRss: () => maxRss,
  };
  return reader;
}

describe('MemoryTracker', () => {
  it('keeps the largest sample, counting the first (at construction) and the last (in result)', () => {
    const reader = scripted([100, 300, 200, 250], 4096);
    const tracker = new MemoryTracker(reader);
    tracker.sample();
    tracker.sample();
    expect(tracker.result()).toEqual({ peakMemoryBytes: 300, processMaxRssBytes: 4096 });
    expect(reader.calls).toBe(4);
  });

  it('sees a peak in the first or the last sample', () => {
    expect(new MemoryTracker(scripted([900, 10], 1000)).result().peakMemoryBytes).toBe(900);
    expect(new MemoryTracker(scripted([10, 20, 700], 1000)).result().peakMemoryBytes).toBe(20);
    const last = new MemoryTracker(scripted([10, 20, 700], 1000));
    last.sample();
    expect(last.result().peakMemoryBytes).toBe(700);
  });
});

describe('processMemory', () => {
  it('reads the resident set size in bytes and the high-water mark converted from kilobytes', () => {
    const rss = processMemory.rss();
    const maxRss = processMemory.maxRss();
    expect(rss).toBe(Math.floor(rss));
    expect(rss).toBeGreaterThan(1 << 20);
    expect(maxRss % 1024).toBe(0);
    // the high-water mark is at least the current size, up to the kilobyte rounding and the time between the reads
    expect(maxRss).toBeGreaterThanOrEqual(rss * 0.9);
  });
});
