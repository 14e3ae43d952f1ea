import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sha256OfJson } from '../../json/canonical-json.js';
import { expandGrid } from '../expand-grid.js';
import { resolveRuns } from '../resolve-runs.js';
import { SuiteError } from '../suite-error.js';
import { suiteSchema } from '../suite-schema.js';

/** A small strict config schema standing in for the run-config schema. */
const testConfigSchema = z.strictObject({
  algorithm: z
    .strictObject({ method: z.enum(['dense', 'rigl', 'set']), sparsity: z.number().min(0).lt(1).default(0) })
    .prefault({ method: 'dense' }),
  training: z.strictObject({ epochs: z.int().positive().default(3) }).prefault({}),
  seed: z.int().default(0),
  backend: z.enum(['cpu', 'wasm']).default('cpu'),
});

function resolve(json: unknown, overrides = {}) {
  const suite = suiteSchema.parse(json);
  return resolveRuns(suite, expandGrid(suite), {
    schema: testConfigSchema,
    identify: (config) => sha256OfJson({ ...config, backend: undefined }),
    overrides,
    source: 'test.json',
  });
}

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteError);
    return (error as SuiteError).problems;
  }
  throw new Error('expected a SuiteError');
}

describe('resolveRuns', () => {
  it('validates and fills defaults for every run', () => {
    const { runs, duplicates } = resolve({ name: 's', axes: { 'algorithm.method': ['rigl', 'set'], seed: [0, 1] } });
    expect(duplicates).toBe(0);
    expect(runs).toHaveLength(4);
    expect(runs[3]!.config).toEqual({ algorithm: { method: 'set', sparsity: 0 }, training: { epochs: 3 }, seed: 1, backend: 'cpu' });
    expect(new Set(runs.map((r) => r.hash)).size).toBe(4);
  });

  it('names the JSON path of a bad axis value, and reports every failing run before any run starts', () => {
    const problems = problemsOf(() => resolve({ name: 's', base: { algorithm: { method: 'rigl' } }, axes: { 'algorithm.sparsity': [0.5, 1.5], seed: [0, 1] } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.where).toBe('$.axes["algorithm.sparsity"][1]');
    expect(problems[0]!.message).toMatch(/algorithm\.sparsity: .*1\.5/);
    expect(problems[0]!.runs).toHaveLength(2);
  });

  it('refuses an unknown axis path up front', () => {
    const problems = problemsOf(() => resolve({ name: 's', base: { algorithm: { method: 'rigl' } }, axes: { 'algorithm.spasity': [0.9] } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.where).toBe('$.axes["algorithm.spasity"][0]');
    expect(problems[0]!.message).toMatch(/unknown key/);
  });

  it('points into variants, grid bases and the suite base', () => {
    const variant = problemsOf(() =>
      resolve({ name: 's', axes: [{ kind: 'variants', name: 'm', variants: [{ label: 'x', config: { algorithm: { method: 'snip' } } }] }] }),
    );
    expect(variant[0]!.where).toBe('$.axes[0].variants[0].config.algorithm.method');
    const grid = problemsOf(() => resolve({ name: 's', grids: [{ axes: {} }, { base: { training: { epochs: 0 } }, axes: {} }] }));
    expect(grid[0]!.where).toBe('$.grids[1].base.training.epochs');
    const base = problemsOf(() => resolve({ name: 's', base: { seed: 0.5 } }));
    expect(base[0]!.where).toBe('$.base.seed');
    expect(base[0]!.message).toMatch(/0\.5/);
  });

  it('applies command-line overrides and blames them for their problems', () => {
    const { runs } = resolve({ name: 's', axes: { seed: [0] } }, { backend: { value: 'wasm', option: '--backend' } });
    expect(runs[0]!.config.backend).toBe('wasm');
    const problems = problemsOf(() => resolve({ name: 's' }, { backend: { value: 'gpu', option: '--backend' } }));
    expect(problems[0]!.where).toBe('--backend (backend)');
  });

  it('runs identical configurations once', () => {
    const { runs, duplicates } = resolve({
      name: 's',
      grids: [{ axes: { seed: [0, 1] } }, { axes: { seed: [1, 2] } }],
    });
    expect(runs.map((r) => r.config.seed)).toEqual([0, 1, 2]);
    expect(duplicates).toBe(1);
  });
});
