import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configHash } from '../../train/config-hash.js';
import { parseRunConfig } from '../../train/config.js';
import { loadSuite } from '../load-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'topiary-user-suite-'));
mkdirSync(join(dir, 'data'));
const row = (i: number): string => `${i % 3},${i / 10},${(i * 7) % 5},${i % 2}`;
writeFileSync(join(dir, 'data', 'train.csv'), ['label,a,b,c', ...Array.from({ length: 40 }, (_, i) => row(i))].join('\n'));
writeFileSync(join(dir, 'data', 'test.csv'), ['label,a,b,c', ...Array.from({ length: 9 }, (_, i) => row(i))].join('\n'));
writeFileSync(
  join(dir, 'model.mjs'),
  `export default (options, seed, { tfl, data }) => {
    const model = tfl.sequential();
    model.add(tfl.layers.dense({ name: 'hidden', units: options.hidden ?? 8, inputShape: [options.inputs ?? data.featureShape[0]], activation: 'relu' }));
    model.add(tfl.layers.dense({ name: 'out', units: data.numClasses, activation: 'softmax' }));
    return model;
  };`,
);

function suiteFile(name: string, base: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, base: { training: { epochs: 1, batchSize: 8 }, ...base } }));
  return path;
}

const data = { dataset: 'csv', train: 'data/train.csv', test: 'data/test.csv' };

describe('suites with their own model and data', () => {
  it('resolves paths against the suite file, hashing them as written', async () => {
    const { runs } = await loadSuite(suiteFile('ok', { data, model: { kind: 'module', path: './model.mjs', options: { hidden: 4 } }, algorithm: { method: 'set', sparsity: 0.5 } }));
    expect(runs[0]!.config.data.train).toBe(join(dir, 'data', 'train.csv'));
    expect(runs[0]!.config.model).toMatchObject({ kind: 'module', path: join(dir, 'model.mjs') });
    const asWritten = parseRunConfig({ training: { epochs: 1, batchSize: 8 }, data, model: { kind: 'module', path: './model.mjs', options: { hidden: 4 } }, algorithm: { method: 'set', sparsity: 0.5 } });
    expect(runs[0]!.hash).toBe(configHash(asWritten));
  });

  it('reports up front a model that does not take the data and a batch larger than the data', async () => {
    const file = suiteFile('bad', { data, model: { kind: 'module', path: './model.mjs', options: { inputs: 4 } }, training: { batchSize: 64 } });
    const error = (await loadSuite(file).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('training.batchSize: must be at most the 40 training examples');
    const wrongModel = suiteFile('bad-model', { data, model: { kind: 'module', path: './model.mjs', options: { inputs: 4 } } });
    const modelError = (await loadSuite(wrongModel).catch((e: unknown) => e)) as Error;
    expect(modelError.message).toContain(`model: ${join(dir, 'model.mjs')}: the model's input shape [4] does not take the examples of csv data ${join(dir, 'data', 'train.csv')}, of shape [3] (3 values). Make the first layer take inputShape [3].`);
  });

  it('reports a missing data file at the data field', async () => {
    const file = suiteFile('missing', { data: { ...data, test: 'data/nope.csv' } });
    await expect(loadSuite(file)).rejects.toThrow(`data: ${join(dir, 'data', 'nope.csv')}: file not found`);
  });

  it('names the field each data kind needs or refuses', () => {
    expect(() => parseRunConfig({ data: { dataset: 'csv', train: 'a.csv' } })).toThrow("data.test: dataset 'csv' needs train and test: CSV files of features and a label column");
    expect(() => parseRunConfig({ data: { dataset: 'fashion-mnist', path: 'x.npz' } })).toThrow("data.path: dataset 'fashion-mnist' takes no path (only dir, a folder of the Fashion-MNIST files)");
    expect(() => parseRunConfig({ data: { dataset: 'npz', dir: 'x' } })).toThrow(/data.dir: dataset 'npz' takes no dir \(it needs path: an .npz archive/);
    expect(() => parseRunConfig({ model: { kind: 'tfjs' } })).toThrow(/model.path/);
  });
});
