// End-to-end check of plugins through the `topiary` CLI: a plain .mjs module given with --plugin provides a model
// and a data set that the workers build and load, and the records name the plugin with its sha256; a plugin that
// is not one is refused before any run starts (exit 2), naming the module and what to do.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pluginSourceHash, readRunRecords } from '@topiary/bench';
import { describe, expect, it } from 'vitest';
import { repositoryRoot, topiary } from './topiary-process.js';

// the plugin lies outside the repository: it takes zod by URL, the copy the bench uses
const zodUrl = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('zod/package.json')), 'index.js')).href;

const plugin = `import { z } from '${zodUrl}';

const blobs = (n, offset) => ({
  x: { data: Float32Array.from({ length: n * 4 }, (_, i) => (Math.floor(i / 4) % 3) * 2 + Math.sin(i + offset) * 0.3), shape: [n, 4] },
  y: { data: Array.from({ length: n }, (_, i) => i % 3), shape: [n] },
});

export default {
  models: [{
    kind: 'lab:mlp',
    doc: 'One hidden layer, sized to the data.',
    options: z.strictObject({ hidden: z.int().positive().default(16) }),
    build: ({ hidden }, seed, { tfl, data }) => {
      const model = tfl.sequential({ name: 'lab-mlp' });
      model.add(tfl.layers.dense({ name: 'fc1', units: hidden, inputShape: data.featureShape, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
      model.add(tfl.layers.dense({ name: 'output', units: data.numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }));
      return model;
    },
  }],
  datasets: [{
    name: 'lab:blobs',
    doc: 'Three blobs in four features.',
    options: z.strictObject({ count: z.int().positive().default(300) }),
    load: ({ count }) => ({ train: blobs(count, 0), test: blobs(90, 1000) }),
  }],
};
`;

describe('topiary bench with --plugin', () => {
  it("trains a plugin's model on a plugin's data set, records the plugin, and refuses a module that is no plugin", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topiary-e2e-plugin-'));
    const file = join(dir, 'lab-plugin.mjs');
    writeFileSync(file, plugin);
    writeFileSync(join(dir, 'not-a-plugin.mjs'), 'export const build = () => null;\n');
    const suite = join(dir, 'lab.json');
    writeFileSync(
      suite,
      JSON.stringify({
        name: 'lab',
        base: { data: { dataset: 'lab:blobs', options: { count: 300 } }, model: { kind: 'lab:mlp', hidden: 16 }, training: { epochs: 2, batchSize: 30, learningRate: 0.1 } },
        axes: { algorithm: [{ method: 'dense' }, { method: 'set', sparsity: 0.5, updateEvery: 5 }] },
      }),
    );
    const pluginPath = relative(repositoryRoot, file);
    const out = join(dir, 'out');
    const bench = await topiary(['bench', suite, '--out', out, '--concurrency', '1', '--backend', 'cpu', '--plugin', pluginPath]);
    expect(bench.stderr).not.toMatch(/Error/);
    expect(bench.code).toBe(0);
    const { records } = await readRunRecords(out);
    expect(records).toHaveLength(2);
    const { sha256 } = await pluginSourceHash(file);
    for (const record of records) {
      expect(record.plugins).toEqual([{ path: pluginPath, relativeTo: 'cwd', sha256, used: true }]);
      expect(record.data).toMatchObject({ name: 'lab:blobs', origin: 'plugin', source: pluginPath, trainCount: 300, featureShape: [4], numClasses: 3 });
      expect(record.testAccuracy).toBeGreaterThan(0.8);
    }

    const refusedOut = join(dir, 'refused');
    const refused = await topiary(['bench', suite, '--out', refusedOut, '--plugin', join(dir, 'not-a-plugin.mjs')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--plugin ${join(dir, 'not-a-plugin.mjs')}: ${join(dir, 'not-a-plugin.mjs')}: exports no plugin: it has no default export and no export named \`plugin\` (it exports build)`);
    expect(existsSync(join(refusedOut, 'runs.jsonl'))).toBe(false);
  }, 60_000);
});
