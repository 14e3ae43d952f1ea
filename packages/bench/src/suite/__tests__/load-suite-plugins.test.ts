import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetDescriptorSource, dropDescriptorSource, modelDescriptorSource, tempDir, writeModule, zodUrl } from '../../plugins/__tests__/plugin-fixtures.js';
import { loadSuite, parseSuite, resolveSuite } from '../load-suite.js';
import { SuiteError } from '../suite-error.js';

const dir = tempDir('plugin-suite');
const header = `import { z } from '${zodUrl}';\n`;
const labFile = writeModule(
  dir,
  'plugins/lab.mjs',
  `${header}export default { components: [${dropDescriptorSource('lab:drop')}], models: [${modelDescriptorSource('lab:mlp')}], datasets: [${datasetDescriptorSource('lab:blobs')}] };\n`,
);
writeModule(dir, 'plugins/other.mjs', `${header}export default { components: [${dropDescriptorSource('other:drop')}] };\n`);
writeModule(dir, 'plugins/clash.mjs', `${header}export default { models: [${modelDescriptorSource('lab:mlp')}] };\n`);

function suiteFile(name: string, suite: Record<string, unknown>): string {
  const path = join(dir, 'suites', `${name}.json`);
  writeModule(dir, `suites/${name}.json`, JSON.stringify({ name, ...suite }));
  return path;
}

const base = { data: { dataset: 'lab:blobs', options: { count: 60 } }, model: { kind: 'lab:mlp', hidden: 4 }, training: { epochs: 1, batchSize: 10 } };
const axes = { algorithm: [{ method: 'dense' }, { method: 'rigl', sparsity: 0.5, updateEvery: 2, drop: { kind: 'lab:drop' } }] };

/** The problems of a suite that does not load. */
async function problems(file: string, options: Parameters<typeof loadSuite>[1] = {}): Promise<string[]> {
  const error = await loadSuite(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SuiteError);
  return (error as SuiteError).problems.map((p) => `${p.where}: ${p.message}`);
}

describe('suites with plugins', () => {
  it("loads the suite's plugins relative to the suite file, and validates its runs with their kinds", async () => {
    const { runs, pluginSet } = await loadSuite(suiteFile('ok', { plugins: ['../plugins/lab.mjs'], base, axes }));
    expect(pluginSet.plugins.map((p) => [p.path, p.relativeTo, p.file])).toEqual([['../plugins/lab.mjs', 'suite', labFile]]);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.config.algorithm).toMatchObject({ method: 'rigl', drop: { kind: 'lab:drop' } });
    expect(runs[0]!.config.model).toEqual({ kind: 'lab:mlp', hidden: 4, softmax: true });
  });

  it('loads the plugins of the plugins option relative to the working directory, after the suite\'s', async () => {
    const file = suiteFile('cli', { plugins: ['../plugins/lab.mjs'], base, axes: { algorithm: [{ method: 'rigl', sparsity: 0.5, drop: { kind: 'other:drop' } }] } });
    const other = relative(process.cwd(), join(dir, 'plugins/other.mjs'));
    expect(await problems(file)).toEqual([expect.stringContaining('$.axes.algorithm[0].drop.kind: algorithm.drop.kind: must be one of')]);
    const { pluginSet } = await loadSuite(file, { plugins: [other] });
    expect(pluginSet.plugins.map((p) => [p.path, p.relativeTo])).toEqual([
      ['../plugins/lab.mjs', 'suite'],
      [other, 'cwd'],
    ]);
  });

  it('reports each plugin that cannot load at the path that named it, before any run is checked', async () => {
    const file = suiteFile('bad', { plugins: ['../plugins/lab.mjs', '../plugins/missing.mjs'], base: { ...base, training: { batchSize: 1000 } } });
    expect(await problems(file, { plugins: ['nope.mjs'] })).toEqual([
      `$.plugins[1]: ../plugins/missing.mjs: file not found (looked for ${join(dir, 'plugins/missing.mjs')}). Give the path of a plugin module (.mjs or .js; .ts when running under tsx, as pnpm topiary does), relative to the suite file.`,
      `--plugin nope.mjs: nope.mjs: file not found (looked for ${join(process.cwd(), 'nope.mjs')}). Give the path of a plugin module (.mjs or .js; .ts when running under tsx, as pnpm topiary does), relative to the working directory.`,
    ]);
    expect(await problems(suiteFile('clash', { plugins: ['../plugins/lab.mjs', '../plugins/clash.mjs'], base }))).toEqual([
      '$.plugins[1]: ../plugins/clash.mjs: model kind "lab:mlp" is already registered by ../plugins/lab.mjs; give it another kind (e.g. "my-lab:lab:mlp")',
    ]);
    expect(await problems(suiteFile('empty', { plugins: [''], base }))).toEqual(['$.plugins[0]: a plugin path cannot be empty (got "")']);
  });

  it("checks each run whole with the plugins' data sets and models: counts, the batch and the model against the data", async () => {
    const file = suiteFile('whole', { plugins: ['../plugins/lab.mjs'], base: { ...base, data: { dataset: 'lab:blobs', options: { count: 6 } } }, axes });
    const found = await problems(file);
    expect(found).toContain('$.base.training.batchSize: training.batchSize: must be at most the 6 training examples left after trainLimit and validationSplit of lab:blobs (got 10)');
    const noSoftmax = suiteFile('no-softmax', { plugins: ['../plugins/lab.mjs'], base: { ...base, model: { kind: 'lab:mlp', softmax: false } } });
    expect((await problems(noSoftmax))[0]).toContain(`model: ../plugins/lab.mjs (model "lab:mlp"): the model's last layer 'out' has activation "linear", expected 'softmax'`);
  });

  it('puts the hash of a plugin file into the identity of the runs that name it only: a changed plugin reruns those', async () => {
    const file = suiteFile('hash', { plugins: ['../plugins/hashed.mjs'], base: { training: { epochs: 1 } }, axes: { algorithm: [{ method: 'set', sparsity: 0.5 }, { method: 'rigl', sparsity: 0.5, drop: { kind: 'hashed:drop' } }] } });
    const plugin = writeModule(dir, 'plugins/hashed.mjs', `${header}export default { components: [${dropDescriptorSource('hashed:drop')}] };\n`);
    const before = (await loadSuite(file)).runs.map((run) => run.hash);
    writeFileSync(plugin, `${header}// a comment changes the bytes\nexport default { components: [${dropDescriptorSource('hashed:drop')}] };\n`);
    const after = (await loadSuite(file)).runs.map((run) => run.hash);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    const { runs: withoutPlugins } = resolveSuite(parseSuite({ name: 'hash', base: { training: { epochs: 1 } }, axes: { algorithm: [{ method: 'set', sparsity: 0.5 }] } }));
    expect(withoutPlugins[0]!.hash).toBe(before[0]);
  });

  it('resolveSuite needs the plugins loaded, since it loads no module', () => {
    expect(() => resolveSuite(parseSuite({ name: 'p', plugins: ['./lab.mjs'], base: {} }))).toThrow('$.plugins: resolveSuite loads no plugin modules: load them with loadPlugins and pass pluginSet');
  });
});
