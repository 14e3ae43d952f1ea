import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRunRecords } from '../../results/run-log.js';
import { readTrainingLog, trainingLogFile } from '../../results/training-log.js';
import { LineReporter } from '../bench-reporter.js';
import { runBench } from '../run-bench.js';
import { defaultWorkerSpec } from '../worker-pool.js';

const worker = { module: fileURLToPath(new URL('./fake-worker.ts', import.meta.url)), execArgv: defaultWorkerSpec().execArgv };

function gitRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'topiary-git-'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, stdio: 'ignore' });
  git('init', '-q');
  writeFileSync(join(repo, 'code.txt'), 'v1\n');
  git('add', 'code.txt');
  git('commit', '-q', '-m', 'one');
  return repo;
}

describe('runBench training logs', () => {
  it('writes logs/<hash>.jsonl per run, prints its lines with logSteps, and records the git state of gitDir', async () => {
    const repo = gitRepo();
    const suiteFile = join(repo, 'suite.json');
    writeFileSync(suiteFile, JSON.stringify({ name: 'fake', base: { data: { dataset: 'fashion-mnist-subset' } }, axes: { seed: [10, 20] } }));
    const out = join(repo, 'out');
    const lines: string[] = [];
    // the suite file is untracked: the tree is dirty; the output folder the bench writes does not count
    const summary = await runBench({ suiteFile, out, concurrency: 2, worker, reporter: new LineReporter((line) => lines.push(line)), logSteps: true, gitDir: repo });
    expect(summary.finished).toBe(2);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const { records } = await readRunRecords(out);
    for (const record of records) {
      expect(record.git).toEqual({ commit: head, dirty: true });
      const log = await readTrainingLog(trainingLogFile(out, record.hash));
      expect(log.run).toMatchObject({ type: 'run', hash: record.hash, suite: 'fake', index: record.index, axes: record.axes, git: { commit: head, dirty: true } });
      expect(log.entries.map((e) => [e.type, e.epoch])).toEqual([['epoch', 1], ['epoch', 2]]);
    }
    expect(lines.filter((l) => /\] epoch 2 done: mean loss 0\.5000 in .*sparsity 90\.00%, exploration 10\.00%/.test(l))).toHaveLength(2);

    // committed suite: clean, although out/ (untracked) is full of results
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', 'suite.json'], { cwd: repo });
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'suite'], { cwd: repo });
    writeFileSync(suiteFile, JSON.stringify({ name: 'fake', base: { data: { dataset: 'fashion-mnist-subset' } }, axes: { seed: [10, 20, 30] } }));
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-am', 'three seeds'], { cwd: repo });
    const quiet: string[] = [];
    await runBench({ suiteFile, out, concurrency: 1, worker, reporter: new LineReporter((line) => quiet.push(line)), gitDir: repo });
    const third = (await readRunRecords(out)).records.find((r) => r.axes['seed'] === 30)!;
    expect(third.git).toEqual({ commit: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim(), dirty: false });
    // without logSteps nothing of the log is printed, but it is written
    expect(quiet.some((l) => / done: mean loss/.test(l))).toBe(false);
    expect(existsSync(trainingLogFile(out, third.hash))).toBe(true);
  });

  it('records no git state outside a git work tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topiary-nogit-'));
    const suiteFile = join(dir, 'suite.json');
    writeFileSync(suiteFile, JSON.stringify({ name: 'fake', base: { data: { dataset: 'fashion-mnist-subset' } }, axes: { seed: [10] } }));
    const out = join(dir, 'out');
    await runBench({ suiteFile, out, concurrency: 1, worker, reporter: new LineReporter(() => {}), gitDir: dir });
    const [record] = (await readRunRecords(out)).records;
    expect(record!.git).toBeUndefined();
    expect((await readTrainingLog(trainingLogFile(out, record!.hash))).run.git).toBeUndefined();
  });
});
