import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginSourceHash } from '../plugin-source-hash.js';
import { loadPlugin, loadPlugins, pluginSources } from '../load-plugins.js';
import { PluginError } from '../plugin-error.js';
import { builtinPluginSet, pluginFiles, pluginsNamedBy } from '../plugin-set.js';
import { contractUrl, datasetDescriptorSource, dropDescriptorSource, modelDescriptorSource, tempDir, writeModule, zodUrl } from './plugin-fixtures.js';

const dir = tempDir('plugins');
const header = `import { z } from '${zodUrl}';\n`;
writeModule(dir, 'all.mjs', `${header}export default { components: [${dropDescriptorSource('lab:drop')}], models: [${modelDescriptorSource('lab:mlp')}], datasets: [${datasetDescriptorSource('lab:blobs')}] };\n`);
writeModule(dir, 'named.mjs', `${header}export const plugin = { components: [${dropDescriptorSource('lab:named')}] };\n`);
writeModule(dir, 'defined.mjs', `import { definePlugin } from '${contractUrl}';\nexport default definePlugin({ components: [{ family: 'drop', kind: 'lab:bad', doc: '' }] });\n`);
writeModule(dir, 'none.mjs', 'export const helper = 1;\nexport function build() {}\n');
writeModule(dir, 'both.mjs', 'export default {};\nexport const plugin = { components: [] };\n');
writeModule(dir, 'builtin.mjs', `${header}export default { components: [${dropDescriptorSource('magnitude')}] };\n`);
writeModule(dir, 'model-builtin.mjs', `${header}export default { models: [${modelDescriptorSource('mlp')}] };\n`);
writeModule(dir, 'data-builtin.mjs', `${header}export default { datasets: [${datasetDescriptorSource('csv')}] };\n`);
writeModule(dir, 'again.mjs', `${header}export default { models: [${modelDescriptorSource('lab:mlp')}] };\n`);
writeModule(dir, 'broken.mjs', 'export default {;\n');

const source = (name: string) => pluginSources([`./${name}`], dir, 'suite')[0]!;

/** What loading rejects with. */
async function refusal(promise: Promise<unknown>): Promise<PluginError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PluginError);
  return error as PluginError;
}

describe('loadPlugins', () => {
  it('loads a default export and an export named plugin, with the sha256 of each file, into one set of registries', async () => {
    const set = await loadPlugins([source('all.mjs'), source('named.mjs')]);
    expect(set.plugins.map((p) => [p.path, p.relativeTo, p.file])).toEqual([
      ['./all.mjs', 'suite', join(dir, 'all.mjs')],
      ['./named.mjs', 'suite', join(dir, 'named.mjs')],
    ]);
    expect(set.plugins[0]!.sha256).toBe((await pluginSourceHash(join(dir, 'all.mjs'))).sha256);
    expect(set.components.get('drop', 'lab:drop')).toBeDefined();
    expect(set.components.components('drop').find((c) => c.descriptor.kind === 'lab:named')?.source).toBe('./named.mjs');
    expect(set.models.get('lab:mlp')?.source).toBe('./all.mjs');
    expect(set.datasets.get('lab:blobs')?.source).toBe('./all.mjs');
    expect(set.datasets.names()).toContain('fashion-mnist');
    expect(pluginFiles(set)[1]).toEqual({ path: './named.mjs', relativeTo: 'suite', file: join(dir, 'named.mjs'), sha256: set.plugins[1]!.sha256 });
  });

  it('loads a file given twice once, under its first path', async () => {
    const set = await loadPlugins([source('all.mjs'), ...pluginSources([join(dir, 'all.mjs')], '/elsewhere', 'cwd')]);
    expect(set.plugins.map((p) => p.path)).toEqual(['./all.mjs']);
  });

  it('names the plugins a config uses: a component kind anywhere in the strategy, the model kind, the data set', async () => {
    const set = await loadPlugins([source('all.mjs'), source('named.mjs')]);
    const named = (algorithm: unknown, model = 'lenet-300-100', dataset = 'fashion-mnist') => pluginsNamedBy(set, { algorithm, model, dataset }).map((p) => p.path);
    expect(named({ method: 'rigl', sparsity: 0.9 })).toEqual([]);
    expect(named({ method: 'custom', update: { drop: { kind: 'lab:named' } } })).toEqual(['./named.mjs']);
    expect(named({ method: 'dense' }, 'lab:mlp')).toEqual(['./all.mjs']);
    expect(named({ method: 'dense' }, 'mlp', 'lab:blobs')).toEqual(['./all.mjs']);
    expect(pluginsNamedBy(builtinPluginSet, { algorithm: { method: 'rigl' }, model: 'mlp', dataset: 'csv' })).toEqual([]);
  });

  it('refuses a missing file, a module without a plugin export, two different exports and one that does not import', async () => {
    expect((await refusal(loadPlugin(source('missing.mjs')))).message).toBe(
      `./missing.mjs: file not found (looked for ${join(dir, 'missing.mjs')}). Give the path of a plugin module (.mjs or .js; .ts when running under tsx, as pnpm topiary does), relative to the suite file.`,
    );
    expect((await refusal(loadPlugin(pluginSources(['nope.mjs'], dir, 'cwd')[0]!))).message).toContain('relative to the working directory.');
    expect((await refusal(loadPlugin(source('none.mjs')))).message).toBe(
      './none.mjs: exports no plugin: it has no default export and no export named `plugin` (it exports build, helper). Add `export default definePlugin({ components: [...], models: [...], datasets: [...] })` (definePlugin from @topiary/bench).',
    );
    expect((await refusal(loadPlugin(source('both.mjs')))).message).toContain('./both.mjs: exports both a default export and an export named `plugin`, which differ');
    expect((await refusal(loadPlugin(source('broken.mjs')))).message).toMatch(/^\.\/broken\.mjs: cannot import the module \(.*\)\. Fix the module so that Node can import it/);
  });

  it('reports what definePlugin refused while the module loaded at the module path', async () => {
    const error = await refusal(loadPlugin(source('defined.mjs')));
    expect(error.file).toBe('./defined.mjs');
    expect(error.message).toMatch(/^\.\/defined\.mjs: components\[0\]: component "lab:bad": doc must be one non-empty line/);
  });

  it('refuses a kind or name taken by a built-in or by an earlier plugin, naming both', async () => {
    expect((await refusal(loadPlugins([source('builtin.mjs')]))).message).toBe('./builtin.mjs: drop kind "magnitude" is already registered by built-in; give it another kind (e.g. "my-lab:magnitude")');
    expect((await refusal(loadPlugins([source('model-builtin.mjs')]))).message).toBe('./model-builtin.mjs: model kind "mlp" is already registered by built-in; give it another kind (e.g. "my-lab:mlp")');
    expect((await refusal(loadPlugins([source('data-builtin.mjs')]))).message).toBe('./data-builtin.mjs: data set "csv" is already registered by built-in; give it another name (e.g. "my-lab:csv")');
    const twice = await refusal(loadPlugins([source('all.mjs'), source('again.mjs')]));
    expect(twice.file).toBe('./again.mjs');
    expect(twice.message).toBe('./again.mjs: model kind "lab:mlp" is already registered by ./all.mjs; give it another kind (e.g. "my-lab:lab:mlp")');
  });

  it('refuses a file whose bytes changed since it was hashed (what a worker checks)', async () => {
    const path = writeModule(dir, 'changing.mjs', `${header}export default { components: [${dropDescriptorSource('lab:changing')}] };\n`);
    const [file] = pluginFiles(await loadPlugins([source('changing.mjs')]));
    await expect(loadPlugins([file!])).resolves.toBeDefined();
    writeFileSync(path, `${readFileSync(path, 'utf8')}// edited\n`);
    expect((await refusal(loadPlugins([file!]))).message).toMatch(/^\.\/changing\.mjs: changed since the bench checked it \(sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)\. Leave plugin files unchanged/);
  });
});
