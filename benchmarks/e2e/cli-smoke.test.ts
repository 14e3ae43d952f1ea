// End-to-end check of the `topiary` CLI on the embedded Fashion-MNIST subset: bench (killed after the first
// finished run, then resumed), table, plot and merge, each as its own process started the way the root
// `pnpm topiary` script starts it. A bench killed with SIGKILL leaves its lock, which the next bench takes over;
// a folder a live bench holds is refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRunRecords } from '@topiary/bench';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = ['--import', 'tsx', '--conditions=@topiary/source', join(root, 'packages/bench/src/cli/main.ts')];

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [...cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finish(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const topiary = (args: string[]) => finish(start(args));

function lineCount(file: string): number {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0).length : 0;
}

describe('topiary CLI on the embedded subset', () => {
  it('benches, survives a kill, resumes without redoing runs, and makes tables, plots and merges', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topiary-e2e-'));
    const suite = join(dir, 'smoke.json');
    const out = join(dir, 'out');
    const runs = join(out, 'runs.jsonl');
    writeFileSync(
      suite,
      JSON.stringify({
        name: 'smoke',
        base: {
          data: { dataset: 'fashion-mnist-subset', trainLimit: 1024, testLimit: 500 },
          training: { epochs: 1, batchSize: 64 },
        },
        axes: [
          {
            kind: 'variants',
            name: 'method',
            variants: [
              { label: 'dense', config: { algorithm: { method: 'dense' } } },
              // The second run trains on more data so that it is still running when the first one lands.
              { label: 'RigL', config: { algorithm: { method: 'rigl', sparsity: 0.9, updateEvery: 10 }, data: { trainLimit: 4096 } } },
            ],
          },
        ],
      }),
    );

    // 1. Bench with one worker; SIGKILL the bench as soon as the first result line is on disk.
    const bench = start(['bench', suite, '--out', out, '--concurrency', '1', '--backend', 'wasm']);
    const ended = finish(bench);
    while (lineCount(runs) === 0 && bench.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    bench.kill('SIGKILL');
    const killed = await ended;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const afterKill = await readRunRecords(out);
    expect(afterKill.records).toHaveLength(1);
    expect(afterKill.records[0]!.axes).toEqual({ method: 'dense' });
    const firstLine = readFileSync(runs, 'utf8');

    // The killed bench left its lock behind; its pid is gone, so the next bench takes it over.
    expect(JSON.parse(readFileSync(join(out, '.topiary-bench.lock'), 'utf8'))).toMatchObject({ pid: bench.pid });

    // 2. The same command again takes the dead bench's lock over and finishes only the missing run.
    const resumed = await topiary(['bench', suite, '--out', out, '--concurrency', '1', '--backend', 'wasm', '--log-steps']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`took over a stale lock of pid ${bench.pid}`);
    expect(existsSync(join(out, '.topiary-bench.lock'))).toBe(false);
    expect(resumed.stdout).toContain('smoke: 2 runs, 1 already done, 1 to run');
    expect(resumed.stdout).toMatch(/1 run\(s\) finished, 1 already done, 0 failed of 2/);
    expect(readFileSync(runs, 'utf8').startsWith(firstLine)).toBe(true);
    const { records } = await readRunRecords(out);
    expect(records.map((r) => r.axes['method'])).toEqual(['dense', 'RigL']);
    const rigl = records[1]!;
    expect(rigl.config).toMatchObject({ algorithm: { method: 'rigl', sparsity: 0.9 }, backend: 'wasm' });
    expect(rigl.sparsity).toBeCloseTo(0.9, 2);
    expect(rigl.flops.trainingRatio).toBeGreaterThan(0);
    expect(rigl.flops.trainingRatio).toBeLessThan(1);
    expect(rigl.health).toMatchObject({ skippedSteps: 0, skippedUpdates: 0, warnings: [] });
    expect(rigl.health!.scheduledUpdates).toBeGreaterThan(0);
    expect(rigl.testAccuracy).toBeGreaterThan(0.1);
    expect(rigl.backend.name).toBe('wasm');
    expect(rigl.versions['@topiary/bench']).toMatch(/^\d+\.\d+\.\d+/);
    // measured time per step and the worker's memory
    expect(rigl.msPerStep).toBeCloseTo(rigl.trainingTimeMs / rigl.steps, 6);
    expect(rigl.peakMemoryBytes).toBeGreaterThan(10 << 20);
    expect(rigl.processMaxRssBytes).toBeGreaterThanOrEqual(rigl.peakMemoryBytes! * 0.9);
    // the bench runs inside this repository's work tree
    expect(rigl.git?.commit).toMatch(/^[0-9a-f]{40}$/);

    // Training logs: one per run beside runs.jsonl; the killed attempt's partial log was started afresh.
    expect(resumed.stdout).toMatch(/\[1\/1\] epoch 1 step 49: loss \d\.\d{4} mean \d\.\d{4} lr \S+ \d+\.\d ms\/step/);
    expect(resumed.stdout).toMatch(/\[1\/1\] epoch 1 step 10: mask update −\d+\/\+\d+, sparsity 90\.\d\d%/);
    expect(resumed.stdout).toMatch(/\[1\/1\] epoch 1 done: mean loss/);
    for (const record of records) {
      const log = readFileSync(join(out, 'logs', `${record.hash}.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string });
      expect(log[0]).toMatchObject({ type: 'run', hash: record.hash, axes: record.axes });
      expect(log.filter((line) => line.type === 'epoch')).toHaveLength(1);
      expect(log.some((line) => line.type === 'mask-update')).toBe(record === rigl);
    }
    const exported = await topiary(['logs', 'export', out, '--out', join(dir, 'logs-csv')]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('2 run log(s) exported as csv');
    expect(readFileSync(join(dir, 'logs-csv', 'runs.csv'), 'utf8').split('\n')[0]).toBe('label,hash,suite,index,method,startedAt,gitCommit,gitDirty,file');

    // 3. Tables.
    const md = await topiary(['table', out]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/^\| method \| sparsity \| test accuracy \(%\) \| n \| train FLOPs \| test FLOPs \|$/m);
    expect(md.stdout).toMatch(/^\| dense \| 0 \| \d+\.\d\d \| 1 \| 1\.00× \| 1\.00× \|$/m);
    expect(md.stdout).toMatch(/^\| RigL \| 0\.9 \| \d+\.\d\d \| 1 \| 0\.\d\d× \| 0\.1\d× \|$/m);
    expect(md.stdout).not.toContain('ms/step');
    const timed = await topiary(['table', out, '--time']);
    expect(timed.code, timed.stderr).toBe(0);
    expect(timed.stdout).toMatch(/^\| RigL \| 0\.9 \| \d+\.\d\d \| 1 \| 0\.\d\d× \| 0\.1\d× \| \d+\.\d \|$/m);
    const texFile = join(dir, 'table.tex');
    const tex = await topiary(['table', out, '--format', 'tex', '--out', texFile]);
    expect(tex.code, tex.stderr).toBe(0);
    expect(readFileSync(texFile, 'utf8')).toMatch(/\\toprule[\s\S]*\\midrule[\s\S]*\\bottomrule/);

    // 4. Plots.
    const plots = join(dir, 'plots');
    const plot = await topiary(['plot', out, '--out', plots]);
    expect(plot.code, plot.stderr).toBe(0);
    for (const name of ['accuracy-vs-sparsity.svg', 'accuracy-vs-training-flops.svg']) {
      const svg = readFileSync(join(plots, name), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('test accuracy (%)');
      expect(svg).toMatch(/<text[^>]*>RigL<\/text>/);
    }

    // 5. Merge is idempotent.
    const merged = join(dir, 'merged');
    const merge = await topiary(['merge', merged, out, out]);
    expect(merge.code, merge.stderr).toBe(0);
    expect(merge.stdout).toContain('2 record(s) added, 2 already present');
    expect((await readRunRecords(merged)).records.map((r) => r.hash)).toEqual(records.map((r) => r.hash));
    const missing = await topiary(['merge', join(dir, 'merged-missing'), join(dir, 'missing1'), join(dir, 'missing2')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/2 input\(s\) have no results file[\s\S]*missing1[\s\S]*missing2/);
    expect(existsSync(join(dir, 'merged-missing', 'runs.jsonl'))).toBe(false);

    // 6. A bench on a folder another live bench holds is refused, naming the holder, and runs nothing.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(out, '.topiary-bench.lock'), JSON.stringify({ pid: holder.pid, host: hostname(), since: new Date().toISOString(), suite: 'smoke' }));
      const before = readFileSync(runs, 'utf8');
      const locked = await topiary(['bench', suite, '--out', out, '--concurrency', '1', '--backend', 'wasm']);
      expect(locked.code).toBe(1);
      expect(locked.stderr).toContain(`held by topiary bench pid ${holder.pid} on this host`);
      expect(readFileSync(runs, 'utf8')).toBe(before);
    } finally {
      holder.kill();
    }

    // 7. A broken suite is refused before any run, with the JSON path of the problem.
    writeFileSync(suite, JSON.stringify({ name: 'bad', axes: { 'algorithm.method': ['rigl'], 'algorithm.sparsity': [1.5] } }));
    const bad = await topiary(['bench', suite, '--out', join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('$.axes["algorithm.sparsity"][0]');
    expect(existsSync(join(dir, 'bad', 'runs.jsonl'))).toBe(false);
  }, 120_000);
});
