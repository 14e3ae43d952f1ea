// End-to-end check of `topiary bench` on a researcher's own work: a model built by a user module and data from
// CSV files, both given by paths relative to the suite file; then a suite whose model does not take the data
// is refused before anything runs, with the file, both shapes and the fix named.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunRecords } from '@topiary/bench';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, topiary } from './topiary-process.js';

const root = repositoryRoot;

/** Two well-separated Gaussian-ish blobs per class in 4 features, deterministic. */
function csv(count: number, offset: number): string {
  const lines = ['f1,f2,f3,f4,class'];
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    const jitter = (k: number): string => (label * 2 + Math.sin((i + offset) * (k + 1.3)) * 0.4).toFixed(4);
    lines.push(`${jitter(0)},${jitter(1)},${jitter(2)},${jitter(3)},${label}`);
  }
  return lines.join('\n');
}

describe('topiary bench with a user module model and CSV data', () => {
  it('trains and records the runs, and refuses a model that does not take the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topiary-e2e-user-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'train.csv'), csv(300, 0));
    writeFileSync(join(dir, 'data', 'test.csv'), csv(90, 1000));
    writeFileSync(
      join(dir, 'tabular-mlp.mjs'),
      `export function build(options, seed, { tfl, data }) {
        const model = tfl.sequential({ name: 'tabular-mlp' });
        model.add(tfl.layers.dense({ name: 'fc1', units: options.hidden, inputShape: options.inputShape ?? data.featureShape,
          activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
        model.add(tfl.layers.dense({ name: 'output', units: data.numClasses, activation: 'softmax',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }));
        return model;
      }`,
    );
    const base = {
      data: { dataset: 'csv', train: 'data/train.csv', test: 'data/test.csv', labelColumn: 'class', normalize: 'standardize' },
      model: { kind: 'module', path: './tabular-mlp.mjs', export: 'build', options: { hidden: 32 } },
      training: { epochs: 3, batchSize: 30, learningRate: 0.1 },
    };
    const suite = join(dir, 'tabular.json');
    writeFileSync(
      suite,
      JSON.stringify({ name: 'tabular', base, axes: { algorithm: [{ method: 'dense' }, { method: 'set', sparsity: 0.5, updateEvery: 5 }] } }),
    );
    const out = join(dir, 'out');
    const bench = await topiary(['bench', suite, '--out', out, '--concurrency', '1', '--backend', 'cpu']);
    expect(bench.stderr).not.toMatch(/Error/);
    expect(bench.code).toBe(0);
    expect(bench.stdout).toContain('2 run(s) finished');
    const { records } = await readRunRecords(out);
    expect(records).toHaveLength(2);
    for (const record of records) {
      expect(record.config['data']).toMatchObject({ dataset: 'csv', train: join(dir, 'data', 'train.csv') });
      expect(record.data).toMatchObject({ name: 'csv', trainCount: 300, testCount: 90, featureShape: [4], numClasses: 3 });
      expect(record.testAccuracy).toBeGreaterThan(0.8);
    }

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', base: { ...base, model: { ...base.model, options: { hidden: 8, inputShape: [5] } } } }));
    const refused = await topiary(['bench', bad, '--out', join(dir, 'bad-out'), '--concurrency', '1', '--backend', 'cpu']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${join(dir, 'tabular-mlp.mjs')}: the model's input shape [5] does not take the examples of csv data ${join(dir, 'data', 'train.csv')}, of shape [4] (4 values). Make the first layer take inputShape [4].`);
  }, 30_000);
});
