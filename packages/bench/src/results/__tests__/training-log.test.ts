import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32c, exportTrainingLogs, trainingLogCsv, trainingLogEvents } from '../export-logs.js';
import { readTrainingLog, trainingLogFile, TrainingLogWriter, type LogRunLine, type TrainingLogEntry } from '../training-log.js';

const header: LogRunLine = { type: 'run', hash: 'ab'.repeat(32), suite: 's', index: 3, axes: { method: 'RigL, 90%', seed: 1 }, startedAt: '2026-01-02T03:04:05.000Z', git: { commit: 'c'.repeat(40), dirty: true } };
const layers = [
  { name: 'd1/kernel', layerName: 'd1', size: 100, active: 10, density: 0.1, dropped: 3, grown: 3 },
  { name: 'd2/kernel', layerName: 'd2', size: 50, active: 5, density: 0.1, dropped: 1, grown: 1 },
];
const entries: TrainingLogEntry[] = [
  { type: 'step', epoch: 1, step: 49, elapsedMs: 1000, loss: 1.5, meanLoss: 1.75, learningRate: 0.05, timeMs: 12, meanTimeMs: 11, skipped: false },
  { type: 'mask-update', epoch: 1, step: 99, elapsedMs: 2000, applied: true, dropped: 4, grown: 4, sparsity: 0.9, explorationRate: 0.12, timeMs: 3, layers },
  { type: 'step', epoch: 1, step: 120, elapsedMs: 2300, loss: null, meanLoss: 1.2, timeMs: 1, meanTimeMs: 1, skipped: true },
  { type: 'epoch', epoch: 1, step: 149, elapsedMs: 3000, meanLoss: 1.4, learningRate: 0.05, timeMs: 2900, sparsity: 0.9, explorationRate: 0.12 },
];

/** Reads TFRecord frames back, checking both masked CRCs of each. */
function tfRecords(bytes: Uint8Array): Uint8Array[] {
  const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const length = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true)).toBe(mask(crc32c(bytes.subarray(at, at + 8))));
    const data = bytes.subarray(at + 12, at + 12 + length);
    expect(view.getUint32(at + 12 + length, true)).toBe(mask(crc32c(data)));
    out.push(data);
    at += 16 + length;
  }
  return out;
}

/** A minimal protobuf reader: field number → values (numbers for varint/fixed, bytes for length-delimited). */
function fields(bytes: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const map = new Map<number, (number | Uint8Array)[]>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++]!;
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return value;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const [field, wire] = [key >>> 3, key & 7];
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 1) (value = view.getFloat64(at, true)), (at += 8);
    else if (wire === 5) (value = view.getFloat32(at, true)), (at += 4);
    else {
      const n = varint();
      value = bytes.subarray(at, at + n);
      at += n;
    }
    map.set(field, [...(map.get(field) ?? []), value]);
  }
  return map;
}

describe('training logs', () => {
  it('writes a header and one line per entry, starts afresh when reopened, and reads back skipping a torn tail', async () => {
    const out = mkdtempSync(join(tmpdir(), 'topiary-log-'));
    const file = trainingLogFile(out, header.hash);
    expect(file).toBe(join(out, 'logs', `${header.hash}.jsonl`));
    const first = new TrainingLogWriter(file, header);
    first.append(entries[0]!);
    first.close();
    const writer = new TrainingLogWriter(file, header);
    for (const entry of entries) writer.append(entry);
    writer.close();
    writer.append(entries[0]!); // ignored once closed
    appendFileSync(file, '{"type":"step","epo');
    const log = await readTrainingLog(file);
    expect(log.run).toEqual(header);
    expect(log.entries).toEqual(entries);
    expect(log.truncatedTail).toBe(true);
  });

  it('names the file, line and field of a bad line', async () => {
    const out = mkdtempSync(join(tmpdir(), 'topiary-log-'));
    const file = trainingLogFile(out, header.hash);
    new TrainingLogWriter(file, header).close();
    appendFileSync(file, `${JSON.stringify({ ...entries[3], sparsity: 'high' })}\n`);
    await expect(readTrainingLog(file)).rejects.toThrow(/line 2 is not a training-log line:\n {2}sparsity: .*number/);
  });

  it('exports a wide CSV per run with per-layer columns, and an index of runs', async () => {
    const csv = trainingLogCsv(entries).trimEnd().split('\n');
    const head = csv[0]!.split(',');
    expect(head.slice(0, 5)).toEqual(['type', 'epoch', 'step', 'elapsedMs', 'loss']);
    expect(head.slice(-8)).toEqual(['d1.active', 'd1.density', 'd1.dropped', 'd1.grown', 'd2.active', 'd2.density', 'd2.dropped', 'd2.grown']);
    expect(csv).toHaveLength(5);
    const row = (i: number) => Object.fromEntries(head.map((name, j) => [name, csv[i]!.split(',')[j]]));
    expect(row(1)).toMatchObject({ type: 'step', step: '49', loss: '1.5', learningRate: '0.05', 'd1.density': '' });
    expect(row(2)).toMatchObject({ type: 'mask-update', dropped: '4', 'd1.dropped': '3', 'd2.grown': '1', 'd2.active': '5' });
    expect(row(3)).toMatchObject({ type: 'step', loss: '', skipped: 'true' });

    const dir = mkdtempSync(join(tmpdir(), 'topiary-logs-'));
    const writer = new TrainingLogWriter(trainingLogFile(dir, header.hash), header);
    for (const entry of entries) writer.append(entry);
    writer.close();
    const summary = await exportTrainingLogs(dir, join(dir, 'csv'), 'csv');
    expect(summary.runs).toBe(1);
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual(['3-RigL_90_-1-abababab.csv', 'runs.csv']);
    expect(readFileSync(join(dir, 'csv', 'runs.csv'), 'utf8')).toBe(
      `label,hash,suite,index,method,seed,startedAt,gitCommit,gitDirty,file\n3-RigL_90_-1-abababab,${header.hash},s,3,"RigL, 90%",1,${header.startedAt},${'c'.repeat(40)},true,3-RigL_90_-1-abababab.csv\n`,
    );
    await expect(exportTrainingLogs(join(dir, 'nothing'), join(dir, 'x'), 'csv')).rejects.toThrow(/holds no training logs/);
    await expect(exportTrainingLogs(dir, join(dir, 'x'), 'xlsx' as never)).rejects.toThrow(/format must be one of csv, tfevents, got "xlsx"/);
  });

  it('exports TensorBoard event files: TFRecord frames with valid CRC-32C, a version event, then scalars per line', async () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    const records = tfRecords(trainingLogEvents({ run: header, entries })).map(fields);
    expect(records).toHaveLength(5); // the version event, then one per line
    expect(new TextDecoder().decode(records[0]!.get(3)![0] as Uint8Array)).toBe('brain.Event:2');
    const start = Date.parse(header.startedAt) / 1000;
    expect(records[0]!.get(1)).toEqual([start]);
    const scalars = (event: Map<number, (number | Uint8Array)[]>) =>
      Object.fromEntries(
        (fields(event.get(5)![0] as Uint8Array).get(1) as Uint8Array[]).map((value) => {
          const v = fields(value);
          return [new TextDecoder().decode(v.get(1)![0] as Uint8Array), v.get(2)![0] as number];
        }),
      );
    expect(records[1]!.get(2)).toEqual([49]);
    expect(records[1]!.get(1)).toEqual([start + 1]);
    expect(scalars(records[1]!)).toEqual({ 'train/loss': 1.5, 'train/mean_loss': 1.75, 'train/learning_rate': Math.fround(0.05), 'train/step_time_ms': 11 });
    expect(scalars(records[2]!)).toMatchObject({ 'mask/dropped': 4, 'mask/sparsity': Math.fround(0.9), 'layers/d1/dropped': 3, 'layers/d2/grown': 1 });
    expect(scalars(records[3]!)).not.toHaveProperty('train/loss'); // skipped: its loss was not finite
    expect(records[4]!.get(2)).toEqual([149]);
    expect(scalars(records[4]!)).toMatchObject({ 'epoch/mean_loss': Math.fround(1.4), 'epoch/time_ms': 2900 });

    const dir = mkdtempSync(join(tmpdir(), 'topiary-logs-'));
    const writer = new TrainingLogWriter(trainingLogFile(dir, header.hash), header);
    for (const entry of entries) writer.append(entry);
    writer.close();
    const { files } = await exportTrainingLogs(dir, join(dir, 'tb'), 'tfevents');
    expect(files).toEqual([join(dir, 'tb', '3-RigL_90_-1-abababab', `events.out.tfevents.${Math.floor(start)}.topiary`)]);
  });
});
