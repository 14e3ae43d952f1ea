import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configHash } from '../../train/config-hash.js';
import { loadSuite, parseJsonText, parseSuite, resolveSuite } from '../load-suite.js';
import { SuiteError } from '../suite-error.js';

const suiteFile = (json: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'topiary-suite-')), 'suite.json');
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json, null, 2));
  return file;
};

describe('loadSuite (run-config schema)', () => {
  it('expands method variants × seeds into validated run configs with distinct hashes', async () => {
    const file = suiteFile({
      name: 'grid',
      base: { data: { dataset: 'fashion-mnist-subset' }, training: { epochs: 1 } },
      axes: [
        {
          kind: 'variants',
          name: 'method',
          variants: [
            { label: 'dense', config: { algorithm: { method: 'dense' } } },
            { label: 'RigL (ERK)', config: { algorithm: { method: 'rigl', sparsity: 0.9, distribution: { kind: 'erk' } } } },
          ],
        },
        { kind: 'values', path: 'seed', values: [0, 1] },
      ],
    });
    const { suite, runs, duplicates } = await loadSuite(file);
    expect(suite.name).toBe('grid');
    expect(duplicates).toBe(0);
    expect(runs.map((r) => r.axes)).toEqual([
      { method: 'dense', seed: 0 },
      { method: 'dense', seed: 1 },
      { method: 'RigL (ERK)', seed: 0 },
      { method: 'RigL (ERK)', seed: 1 },
    ]);
    expect(runs[2]!.config.training.batchSize).toBe(128);
    expect(runs[2]!.config.algorithm).toMatchObject({ method: 'rigl', sparsity: 0.9 });
    expect(runs.every((r) => r.hash === configHash(r.config))).toBe(true);
    expect(new Set(runs.map((r) => r.hash)).size).toBe(4);
  });

  it('leaves the backend and data folder out of the hash but applies them', () => {
    const suite = parseSuite({ name: 's', base: { data: { dataset: 'fashion-mnist-subset' } } });
    const plain = resolveSuite(suite).runs[0]!;
    const moved = resolveSuite(suite, { backend: 'cpu', dataDir: '/srv/data' }).runs[0]!;
    expect(moved.config.backend).toBe('cpu');
    expect(moved.config.data.dir).toBe('/srv/data');
    expect(moved.hash).toBe(plain.hash);
    const other = resolveSuite(parseSuite({ name: 's', base: { data: { dataset: 'fashion-mnist-subset' }, seed: 1 } })).runs[0]!;
    expect(other.hash).not.toBe(plain.hash);
  });

  it('refuses a bad value, an unknown knob and a bad backend before anything runs, with JSON paths', async () => {
    const file = suiteFile({
      name: 'bad',
      base: { training: { epochs: 1 } },
      axes: { 'algorithm.method': ['rigl', 'sat'], 'algorithm.sparsity': [0.9], 'training.epoch': [2] },
    });
    const error = await loadSuite(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SuiteError);
    const where = (error as SuiteError).problems.map((p) => p.where);
    expect(where).toContain('$.axes["algorithm.method"][1]');
    expect(where).toContain('$.axes["training.epoch"][0]');
    expect((error as SuiteError).message).toMatch(/training\.epoch: unknown key/);
    expect(() => resolveSuite(parseSuite({ name: 's' }), { backend: 'tpu' })).toThrow(/--backend \(backend\): backend: .*"tpu"/);
  });

  it('names the file, line and column of a JSON syntax error and the path of a structural one', async () => {
    expect(() => parseJsonText('{\n  "name": "x",\n  oops\n}', 'suite.json')).toThrow(/^suite\.json:3:3: invalid JSON/);
    await expect(loadSuite(suiteFile({ name: 'x', axes: { seed: 3 } }))).rejects.toThrow(/\$\.axes/);
    await expect(loadSuite(suiteFile({ axes: {} }))).rejects.toThrow(/\$\.name/);
  });
});
