import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configHash } from '../config-hash.js';
import { parseRunConfig } from '../config.js';

describe('logging config', () => {
  it('defaults to a step line every 50 steps and every mask update, and names a bad field with its value', () => {
    expect(parseRunConfig({}).logging).toEqual({ everySteps: 50, maskUpdates: true });
    expect(parseRunConfig({ logging: { everySteps: 0 } }).logging).toEqual({ everySteps: 0, maskUpdates: true });
    expect(() => parseRunConfig({ logging: { everySteps: -5 } })).toThrow(/logging\.everySteps: .*\(got -5\)/);
    expect(() => parseRunConfig({ logging: { everySteps: 2.5 } })).toThrow(/logging\.everySteps: .*\(got 2\.5\)/);
    expect(() => parseRunConfig({ logging: { every: 10 } })).toThrow(/logging\.every: unknown key/);
  });

  it('is not part of a run\'s identity: published records keep their hashes', () => {
    const a = parseRunConfig({ algorithm: { method: 'rigl', sparsity: 0.9 } });
    const b = parseRunConfig({ algorithm: { method: 'rigl', sparsity: 0.9 }, logging: { everySteps: 1, maskUpdates: false } });
    expect(configHash(a)).toBe(configHash(b));
    const file = fileURLToPath(new URL('../../../../../benchmarks/results/fmnist-lenet300/runs.jsonl', import.meta.url));
    const records = readFileSync(file, 'utf8').trim().split('\n').slice(0, 3).map((line) => JSON.parse(line) as { hash: string; config: unknown });
    for (const record of records) expect(configHash(parseRunConfig(record.config))).toBe(record.hash);
  });
});
