import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mergeRuns } from '../../results/merge-runs.js';
import { readRunRecords, RUNS_FILE } from '../../results/run-log.js';
import { LineReporter } from '../bench-reporter.js';
import { LOCK_FILE, OutLockedError } from '../out-lock.js';
import { FAILURES_FILE, runBench, type BenchOptions } from '../run-bench.js';
import { defaultWorkerSpec } from '../worker-pool.js';

const worker = { module: fileURLToPath(new URL('./fake-worker.ts', import.meta.url)), execArgv: defaultWorkerSpec().execArgv };

function setup(seeds: number[]) {
  const dir = mkdtempSync(join(tmpdir(), 'topiary-bench-'));
  const suiteFile = join(dir, 'suite.json');
  writeFileSync(
    suiteFile,
    JSON.stringify({ name: 'fake', base: { data: { dataset: 'fashion-mnist-subset' } }, axes: { seed: seeds } }),
  );
  const lines: string[] = [];
  const options = (out: string, extra: Partial<BenchOptions> = {}): BenchOptions => ({
    suiteFile,
    out: join(dir, out),
    concurrency: 2,
    worker,
    reporter: new LineReporter((line) => lines.push(line)),
    ...extra,
  });
  return { dir, options, lines };
}

describe('runBench', () => {
  it('writes one record per run with config, hash and axes, and skips finished runs when rerun', async () => {
    const { options, lines } = setup([10, 20, 30]);
    const first = await runBench(options('out'));
    expect(first).toMatchObject({ total: 3, skipped: 0, finished: 3, failed: [], aborted: false });
    const { records } = await readRunRecords(first.file);
    expect(records.map((r) => r.axes['seed']).sort()).toEqual([10, 20, 30]);
    const r20 = records.find((r) => r.axes['seed'] === 20)!;
    expect(r20.testAccuracy).toBe(0.2);
    expect(r20.suite).toBe('fake');
    expect(r20.config).toMatchObject({ seed: 20, data: { dataset: 'fashion-mnist-subset' } });
    expect(lines[0]).toBe('fake: 3 runs, 0 already done, 3 to run on 2 worker(s)');
    expect(lines.some((l) => /^\[\d\/3\] epoch 2\/2 loss 0\.5000/.test(l))).toBe(true);

    const second = await runBench(options('out'));
    expect(second).toMatchObject({ total: 3, skipped: 3, finished: 0 });
    expect((await readRunRecords(first.file)).records).toHaveLength(3);
  });

  it('resumes after a kill mid-write: the torn line is dropped and only missing runs are redone', async () => {
    const { dir, options } = setup([10, 20, 30]);
    const first = await runBench(options('out'));
    const text = readFileSync(first.file, 'utf8').split('\n');
    writeFileSync(first.file, `${text[0]}\n${text[1]!.slice(0, 50)}`);
    const resumed = await runBench(options('out'));
    expect(resumed).toMatchObject({ skipped: 1, finished: 2 });
    const { records, truncatedTail } = await readRunRecords(join(dir, 'out'));
    expect(truncatedTail).toBe(false);
    expect(records).toHaveLength(3);
  });

  it('records failures outside runs.jsonl so that a rerun retries them', async () => {
    const { options } = setup([10, 13]);
    const summary = await runBench(options('out'));
    expect(summary.finished).toBe(1);
    expect(summary.failed.map((f) => f.error)).toEqual([expect.stringMatching(/unlucky seed 13/)]);
    const failures = readFileSync(join(options('out').out, FAILURES_FILE), 'utf8').trim().split('\n');
    expect(JSON.parse(failures[0]!)).toMatchObject({ axes: { seed: 13 } });
    expect((await runBench(options('out'))).failed).toHaveLength(1);
  });

  it('splits the grid into shards that merge back into the whole', async () => {
    const { dir, options } = setup([1, 2, 3, 4, 5]);
    const a = await runBench(options('shard1', { shard: { index: 1, count: 2 } }));
    const b = await runBench(options('shard2', { shard: { index: 2, count: 2 } }));
    expect(a.total + b.total).toBe(5);
    expect(Math.abs(a.total - b.total)).toBe(1);
    const merged = await mergeRuns(join(dir, 'all'), [join(dir, 'shard1'), join(dir, 'shard2', RUNS_FILE)]);
    expect(merged.added).toBe(5);
    expect(merged.logsCopied).toBe(5);
    for (const record of (await readRunRecords(join(dir, 'all'))).records) expect(existsSync(join(dir, 'all', 'logs', `${record.hash}.jsonl`))).toBe(true);
    const whole = await runBench(options('all'));
    expect(whole).toMatchObject({ total: 5, skipped: 5, finished: 0 });
  });

  it('validates the whole suite before starting any worker', async () => {
    const { dir, options } = setup([1]);
    writeFileSync(join(dir, 'suite.json'), JSON.stringify({ name: 'bad', axes: { seed: [0, 0.5] } }));
    await expect(runBench(options('out'))).rejects.toThrow(/\$\.axes\.seed\[1\]/);
    expect((await readRunRecords(join(dir, 'out'))).records).toEqual([]);
  });

  it('forwards trainer warnings to the reporter and records health; a run with every update skipped is flagged', async () => {
    const { options, lines } = setup([10, 77]);
    const summary = await runBench(options('out'));
    expect(summary.finished).toBe(2);
    expect(lines).toContainEqual(expect.stringMatching(/warning #1 \(seed=77\): step 10: mask update scores are not finite/));
    expect(lines).toContainEqual(expect.stringMatching(/WARNING #1 \(seed=77\): all 2 scheduled mask updates were skipped.*; non-finite-update ×2 \(steps 10–20\)$/));
    expect(lines.filter((l) => /WARNING/.test(l))).toHaveLength(1);
    const { records } = await readRunRecords(summary.file);
    const skipped = records.find((r) => r.axes['seed'] === 77)!;
    expect(skipped.health).toMatchObject({ scheduledUpdates: 2, skippedUpdates: 2, warnings: [{ kind: 'non-finite-update', count: 2 }] });
  });

  it('refuses a second bench on the same --out while the first runs, naming the holder; nothing runs twice', async () => {
    const { options } = setup([76, 10]);
    const first = runBench(options('out', { concurrency: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const error = await runBench(options('out')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutLockedError);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toContain(LOCK_FILE);
    const done = await first;
    expect(done.finished).toBe(2);
    expect(readFileSync(done.file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(existsSync(join(options('out').out, LOCK_FILE))).toBe(false);
    expect((await runBench(options('out'))).finished).toBe(0);
  });
});
