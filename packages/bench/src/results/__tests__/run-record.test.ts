import { flattenIssues } from '@topiary/core';
import { describe, expect, it } from 'vitest';
import { runRecordSchema } from '../run-record.js';
import { makeRecord } from './make-record.js';

const plugin = { path: './unit-relative-plugin.ts', relativeTo: 'suite', sha256: 'a'.repeat(64), used: true };
const strategy = { name: 'rigl', distribution: 'erk', init: 'random', drop: 'unit-relative', grow: 'gradient', growInit: 'zeros' };

describe('runRecordSchema', () => {
  it('reads records naming their plugins and strategy, and older records without them', () => {
    const record = { ...makeRecord({ method: 'rigl', sparsity: 0.9, seed: 0, accuracy: 0.8 }), plugins: [plugin], strategy };
    expect(runRecordSchema.parse(record)).toMatchObject({ plugins: [plugin], strategy });
    const older = makeRecord({ method: 'rigl', sparsity: 0.9, seed: 0, accuracy: 0.8 });
    expect(runRecordSchema.parse(older).plugins).toBeUndefined();
    expect(runRecordSchema.parse(older).strategy).toBeUndefined();
  });

  it('refuses a plugin entry without a sha256 or with an unknown base, naming the field', () => {
    const record = { ...makeRecord({ method: 'rigl', sparsity: 0.9, seed: 0, accuracy: 0.8 }), plugins: [{ ...plugin, sha256: 'abc', relativeTo: 'home' }] };
    const result = runRecordSchema.safeParse(record, { reportInput: true });
    expect(result.success).toBe(false);
    expect(flattenIssues(result.error!).map((issue) => issue.path.join('.'))).toEqual(['plugins.0.relativeTo', 'plugins.0.sha256']);
  });

  it('reads ms/step and peak memory, and older records without them', () => {
    const older = makeRecord({ method: 'rigl', sparsity: 0.9, seed: 0, accuracy: 0.8 });
    expect(runRecordSchema.parse(older).msPerStep).toBeUndefined();
    expect(runRecordSchema.parse(older).peakMemoryBytes).toBeUndefined();
    const timed = { ...older, msPerStep: 12.5, peakMemoryBytes: 300 << 20, processMaxRssBytes: 400 << 20 };
    expect(runRecordSchema.parse(timed)).toMatchObject({ msPerStep: 12.5, peakMemoryBytes: 300 << 20, processMaxRssBytes: 400 << 20 });
  });

  it('refuses a negative ms/step and a fractional byte count, naming the field', () => {
    const record = { ...makeRecord({ method: 'rigl', sparsity: 0.9, seed: 0, accuracy: 0.8 }), msPerStep: -1, peakMemoryBytes: 1.5 };
    const result = runRecordSchema.safeParse(record, { reportInput: true });
    expect(result.success).toBe(false);
    expect(flattenIssues(result.error!).map((issue) => issue.path.join('.'))).toEqual(['msPerStep', 'peakMemoryBytes']);
  });
});
