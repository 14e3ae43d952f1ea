import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pluginSourceHash } from '../../plugins/plugin-source-hash.js';
import { dropDescriptorSource, tempDir, writeModule, zodUrl } from '../../plugins/__tests__/plugin-fixtures.js';
import { readRunRecords } from '../../results/run-log.js';
import { runRecordSchema } from '../../results/run-record.js';
import { LineReporter } from '../bench-reporter.js';
import { runBench, type BenchOptions } from '../run-bench.js';
import { defaultWorkerSpec } from '../worker-pool.js';

const worker = { module: fileURLToPath(new URL('./fake-worker.ts', import.meta.url)), execArgv: defaultWorkerSpec().execArgv };
const header = `import { z } from '${zodUrl}';\n`;

function setup() {
  const dir = tempDir('bench-plugins');
  const plugin = writeModule(dir, 'lab.mjs', `${header}export default { components: [${dropDescriptorSource('lab:drop')}] };\n`);
  const other = writeModule(dir, 'other.mjs', `${header}export default { components: [${dropDescriptorSource('other:drop')}] };\n`);
  const suiteFile = join(dir, 'suite.json');
  writeFileSync(
    suiteFile,
    JSON.stringify({
      name: 'plugins',
      plugins: ['./lab.mjs'],
      base: { data: { dataset: 'fashion-mnist-subset' }, seed: 10 },
      axes: { algorithm: [{ method: 'rigl', sparsity: 0.9 }, { method: 'rigl', sparsity: 0.9, drop: { kind: 'lab:drop' } }] },
    }),
  );
  const options = (extra: Partial<BenchOptions> = {}): BenchOptions => ({
    suiteFile,
    out: join(dir, 'out'),
    concurrency: 2,
    worker,
    reporter: new LineReporter(() => {}),
    ...extra,
  });
  return { plugin, other, options };
}

/** The hash the bench records for a plugin: its source (the file and the local modules it imports). */
const sha256 = async (path: string): Promise<string> => (await pluginSourceHash(path)).sha256;

describe('runBench with plugins', () => {
  it('sends the plugin files to the workers and names every plugin in every record, with its sha256 and whether the run used it', async () => {
    const { plugin, other, options } = setup();
    const otherPath = relative(process.cwd(), other);
    const summary = await runBench(options({ plugins: [otherPath] }));
    expect(summary).toMatchObject({ total: 2, finished: 2, failed: [] });
    const { records } = await readRunRecords(summary.file);
    const byDrop = (kind: string | undefined) => records.find((r) => (r.config['algorithm'] as { drop?: { kind: string } }).drop?.kind === kind)!;
    const [pluginHash, otherHash] = [await sha256(plugin), await sha256(other)];
    const expected = (used: boolean) => [
      { path: './lab.mjs', relativeTo: 'suite', sha256: pluginHash, used },
      { path: otherPath, relativeTo: 'cwd', sha256: otherHash, used: false },
    ];
    expect(byDrop('lab:drop').plugins).toEqual(expected(true));
    expect(byDrop(undefined).plugins).toEqual(expected(false));
    expect(byDrop('lab:drop').data['plugins']).toEqual([`./lab.mjs ${pluginHash}`, `${otherPath} ${otherHash}`]);
    for (const record of records) expect(runRecordSchema.parse(record).plugins).toHaveLength(2);
  });

  it('reruns on resume only the runs that use a plugin whose file changed', async () => {
    const { plugin, options } = setup();
    await runBench(options());
    expect(await runBench(options())).toMatchObject({ skipped: 2, finished: 0 });
    writeFileSync(plugin, `${readFileSync(plugin, 'utf8')}// changed\n`);
    expect(await runBench(options())).toMatchObject({ total: 2, skipped: 1, finished: 1 });
    const { records } = await readRunRecords(options().out);
    expect(records.map((r) => r.plugins![0]!.sha256)).toEqual([expect.any(String), expect.any(String), await sha256(plugin)]);
  });

  it('refuses a plugin that cannot load before any worker starts', async () => {
    const { options } = setup();
    await expect(runBench(options({ plugins: ['missing-plugin.mjs'] }))).rejects.toThrow(/--plugin missing-plugin\.mjs: missing-plugin\.mjs: file not found/);
    expect((await readRunRecords(options().out)).records).toEqual([]);
  });
});
