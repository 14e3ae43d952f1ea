import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../jsonl-file.js';
import { mergeRuns } from '../merge-runs.js';
import { readRunRecords, RunLog, RUNS_FILE } from '../run-log.js';
import { makeRecord } from './make-record.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'topiary-runlog-'));
const rigl = (seed: number) => makeRecord({ method: 'rigl', sparsity: 0.9, seed, accuracy: 0.8 + seed / 100, index: seed });

describe('runs.jsonl', () => {
  it('appends complete lines and reads them back', async () => {
    const dir = tempDir();
    const log = await RunLog.open(dir);
    log.append(rigl(0));
    log.append(rigl(1));
    log.close();
    const text = readFileSync(join(dir, RUNS_FILE), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(3);
    const { records, truncatedTail } = await readRunRecords(dir);
    expect(truncatedTail).toBe(false);
    expect(records.map((r) => r.config['seed'])).toEqual([0, 1]);
  });

  it('skips a truncated last line when reading, and cuts it off before appending', async () => {
    const dir = tempDir();
    const file = join(dir, RUNS_FILE);
    writeFileSync(file, `${JSON.stringify(rigl(0))}\n${JSON.stringify(rigl(1)).slice(0, 100)}`);
    const read = await readRunRecords(dir);
    expect(read.truncatedTail).toBe(true);
    expect(read.records).toHaveLength(1);
    const log = await RunLog.open(dir);
    log.append(rigl(2));
    log.close();
    const after = await readRunRecords(dir);
    expect(after.truncatedTail).toBe(false);
    expect(after.records.map((r) => r.config['seed'])).toEqual([0, 2]);
  });

  it('keeps an unterminated last line that is complete JSON', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, RUNS_FILE), JSON.stringify(rigl(0)));
    const log = await RunLog.open(dir);
    log.append(rigl(1));
    log.close();
    expect((await readRunRecords(dir)).records).toHaveLength(2);
  });

  it('treats a bad line in the middle as corruption and names the line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, RUNS_FILE), `${JSON.stringify(rigl(0))}\n{oops\n${JSON.stringify(rigl(1))}\n`);
    await expect(readJsonLines(join(dir, RUNS_FILE))).rejects.toThrow(/runs\.jsonl:2: not a JSON line/);
  });

  it('refuses records that miss fields, naming the field', async () => {
    const dir = tempDir();
    const { testAccuracy: _dropped, ...partial } = rigl(0);
    writeFileSync(join(dir, RUNS_FILE), `${JSON.stringify(partial)}\n`);
    await expect(readRunRecords(dir)).rejects.toThrow(/record 1 is not a run record:\n\s+testAccuracy/);
    const log = await RunLog.open(dir + '/other');
    expect(() => log.append({ ...rigl(0), hash: 'nope' })).toThrow(/hash/);
    log.close();
  });

  it('reads a missing folder as no records', async () => {
    expect((await readRunRecords(join(tempDir(), 'none'))).records).toEqual([]);
  });
});

describe('mergeRuns', () => {
  it('combines shards, dedupes by hash and is idempotent', async () => {
    const [a, b, out] = [tempDir(), tempDir(), tempDir()];
    const logA = await RunLog.open(a);
    [rigl(0), rigl(1)].forEach((r) => logA.append(r));
    logA.close();
    const logB = await RunLog.open(b);
    [rigl(1), rigl(2)].forEach((r) => logB.append(r));
    logB.close();
    appendFileSync(join(b, RUNS_FILE), '{"truncat');
    const first = await mergeRuns(out, [a, b]);
    expect(first).toMatchObject({ added: 3, skipped: 1 });
    const again = await mergeRuns(out, [join(a, RUNS_FILE), b]);
    expect(again).toMatchObject({ added: 0, skipped: 4 });
    expect((await readRunRecords(out)).records.map((r) => r.config['seed'])).toEqual([0, 1, 2]);
  });

  it('refuses inputs without a results file, naming each, and writes nothing', async () => {
    const [a, out] = [tempDir(), tempDir()];
    const log = await RunLog.open(a);
    log.append(rigl(0));
    log.close();
    const error = await mergeRuns(out, [a, join(a, 'missing1'), join(a, 'missing2.jsonl')]).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/2 input\(s\) have no results file/);
    expect((error as Error).message).toContain('missing1');
    expect((error as Error).message).toContain('missing2.jsonl');
    expect(existsSync(join(out, RUNS_FILE))).toBe(false);
  });

  it('writes nothing when an input is corrupt', async () => {
    const [a, out] = [tempDir(), tempDir()];
    writeFileSync(join(a, RUNS_FILE), 'garbage\n');
    await expect(mergeRuns(out, [a])).rejects.toThrow(/not a JSON line/);
    expect((await readRunRecords(out)).records).toEqual([]);
  });
});
