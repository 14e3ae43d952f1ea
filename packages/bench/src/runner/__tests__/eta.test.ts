import { describe, expect, it } from 'vitest';
import { LineReporter } from '../bench-reporter.js';
import { EtaEstimator, formatDuration } from '../eta.js';
import { makeRecord } from '../../results/__tests__/make-record.js';

describe('EtaEstimator', () => {
  it('extrapolates the elapsed time from finished runs and the fractions of runs in flight', () => {
    const eta = new EtaEstimator(4, 0);
    expect(eta.remaining(1000)).toBeUndefined();
    eta.finish(1);
    eta.progress(2, 0.5);
    expect(eta.fraction()).toBeCloseTo(0.375, 12);
    expect(eta.remaining(3000)).toBeCloseTo(5000, 6);
    eta.finish(2);
    eta.finish(3);
    eta.finish(4);
    expect(eta.remaining(9000)).toBe(0);
  });

  it('formats durations compactly', () => {
    expect(formatDuration(41_000)).toBe('41s');
    expect(formatDuration(252_000)).toBe('4m12s');
    expect(formatDuration(3_720_000)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});

describe('LineReporter', () => {
  it('prints one line per start, finished epoch, result and failure', () => {
    const lines: string[] = [];
    const reporter = new LineReporter((line) => lines.push(line));
    const run = { ordinal: 1, of: 2, description: '#0 (seed=0)' };
    reporter.start({ suite: 's', total: 3, done: 1, pending: 2, workers: 2 });
    reporter.runStarted(run);
    reporter.runProgress(run, { epoch: 1, epochs: 2, step: 5, totalSteps: 20, loss: 1.5, epochEnd: false });
    reporter.runProgress(run, { epoch: 1, epochs: 2, step: 10, totalSteps: 20, loss: 1.25, epochEnd: true });
    reporter.runFinished(run, makeRecord({ method: 'rigl', sparsity: 0.9, seed: 0, accuracy: 0.8123 }));
    reporter.runFailed({ ...run, ordinal: 2 }, 'boom');
    expect(lines[0]).toBe('s: 3 runs, 1 already done, 2 to run on 2 worker(s)');
    expect(lines[1]).toBe('[1/2] start #0 (seed=0)');
    expect(lines[2]).toMatch(/^\[1\/2\] epoch 1\/2 loss 1\.2500 \| ETA /);
    expect(lines[3]).toMatch(/^\[1\/2\] done #0 \(seed=0\): accuracy 81\.23% in 1s \| 1\/2 finished, ETA /);
    expect(lines[4]).toBe('[2/2] FAILED #0 (seed=0): boom');
    expect(lines).toHaveLength(5);
  });
});
