import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOGS_DIR, readTrainingLog, type TrainingLog, type TrainingLogEntry } from './training-log.js';

/** Formats `topiary logs export` writes. */
export const LOG_EXPORT_FORMATS = ['csv', 'tfevents'] as const;
/** A format `topiary logs export` writes: wide CSV (pandas, R, spreadsheets) or TensorBoard event files. */
export type LogExportFormat = (typeof LOG_EXPORT_FORMATS)[number];

/** What {@link exportTrainingLogs} wrote. */
export interface LogExportSummary {
  /** Training logs read. */
  readonly runs: number;
  /** Files written, in run order. */
  readonly files: readonly string[];
  /** Logs whose incomplete last line (a killed run) was skipped. */
  readonly truncated: number;
}

/** A file- and folder-safe name for a run: its index, its axis labels and the start of its hash. */
export function runLabel(log: TrainingLog): string {
  const axes = Object.values(log.run.axes).map((value) => String(value));
  const name = [String(log.run.index), ...axes, log.run.hash.slice(0, 8)].join('-');
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

const BASE_COLUMNS = [
  'type',
  'epoch',
  'step',
  'elapsedMs',
  'loss',
  'meanLoss',
  'learningRate',
  'timeMs',
  'meanTimeMs',
  'skipped',
  'applied',
  'reason',
  'dropped',
  'grown',
  'sparsity',
  'explorationRate',
  'validationAccuracy',
] as const;

const LAYER_COLUMNS = ['active', 'density', 'dropped', 'grown'] as const;

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One run's log as a wide CSV table: one row per log line in file order, the line's fields as columns
 * (`type` says which kind of line a row is; cells a kind lacks are empty) and, for mask-update rows, four
 * columns per masked layer (`<layer>.active`, `.density`, `.dropped`, `.grown`). Reads with `pandas.read_csv`.
 */
export function trainingLogCsv(entries: readonly TrainingLogEntry[]): string {
  const layers: string[] = [];
  for (const entry of entries) {
    if (entry.type !== 'mask-update') continue;
    for (const layer of entry.layers) if (!layers.includes(layer.layerName)) layers.push(layer.layerName);
  }
  const header = [...BASE_COLUMNS, ...layers.flatMap((name) => LAYER_COLUMNS.map((column) => `${name}.${column}`))];
  const rows = entries.map((entry) => {
    const record = entry as Record<string, unknown>;
    const cells = BASE_COLUMNS.map((column) => csvCell(record[column]));
    for (const name of layers) {
      const layer = entry.type === 'mask-update' ? entry.layers.find((l) => l.layerName === name) : undefined;
      for (const column of LAYER_COLUMNS) cells.push(csvCell(layer?.[column]));
    }
    return cells.join(',');
  });
  return `${[header.map(csvCell).join(','), ...rows].join('\n')}\n`;
}

// --- TensorBoard event files: TFRecord framing of tensorflow.Event protocol buffers ---------------------------

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum of TFRecord files. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function maskedCrc(bytes: Uint8Array): number {
  const crc = crc32c(bytes);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function varint(value: number): number[] {
  const out: number[] = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): number[] {
  return [(field << 3) | 2, ...varint(payload.length), ...payload];
}

/** One scalar of a TensorBoard summary. */
export interface LogScalar {
  /** The TensorBoard tag, e.g. `train/loss`. */
  readonly tag: string;
  /** The value (written as a float32 `simple_value`). */
  readonly value: number;
}

/** Encodes a tensorflow.Event: wall_time (1, double), step (2, int64), file_version (3) or summary (5) of simple values. */
function encodeEvent(wallTime: number, step: number, content: { fileVersion: string } | { scalars: readonly LogScalar[] }): Uint8Array {
  const wall = new Uint8Array(8);
  new DataView(wall.buffer).setFloat64(0, wallTime, true);
  const bytes: number[] = [(1 << 3) | 1, ...wall, (2 << 3) | 0, ...varint(step)];
  if ('fileVersion' in content) {
    bytes.push(...lengthDelimited(3, new TextEncoder().encode(content.fileVersion)));
  } else {
    const summary: number[] = [];
    for (const scalar of content.scalars) {
      const simple = new Uint8Array(4);
      new DataView(simple.buffer).setFloat32(0, scalar.value, true);
      const value = [...lengthDelimited(1, new TextEncoder().encode(scalar.tag)), (2 << 3) | 5, ...simple];
      summary.push(...lengthDelimited(1, Uint8Array.from(value)));
    }
    bytes.push(...lengthDelimited(5, Uint8Array.from(summary)));
  }
  return Uint8Array.from(bytes);
}

/** Frames one record as TFRecord: length (u64), its masked CRC-32C, the data, the data's masked CRC-32C. */
function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc(data), true);
  return out;
}

/** The TensorBoard scalars of one log line (tags grouped as `train/`, `mask/`, `layers/<layer>/` and `epoch/`). */
export function scalarsOf(entry: TrainingLogEntry): LogScalar[] {
  const scalars: LogScalar[] = [];
  const add = (tag: string, value: number | null | undefined): void => {
    if (typeof value === 'number' && Number.isFinite(value)) scalars.push({ tag, value });
  };
  switch (entry.type) {
    case 'step':
      add('train/loss', entry.loss);
      add('train/mean_loss', entry.meanLoss);
      add('train/learning_rate', entry.learningRate);
      add('train/step_time_ms', entry.meanTimeMs);
      break;
    case 'mask-update':
      if (!entry.applied) break;
      add('mask/dropped', entry.dropped);
      add('mask/grown', entry.grown);
      add('mask/sparsity', entry.sparsity);
      add('mask/exploration_rate', entry.explorationRate);
      add('mask/update_time_ms', entry.timeMs);
      for (const layer of entry.layers) {
        add(`layers/${layer.layerName}/density`, layer.density);
        add(`layers/${layer.layerName}/dropped`, layer.dropped);
        add(`layers/${layer.layerName}/grown`, layer.grown);
      }
      break;
    case 'epoch':
      add('epoch/mean_loss', entry.meanLoss);
      add('epoch/learning_rate', entry.learningRate);
      add('epoch/time_ms', entry.timeMs);
      add('epoch/sparsity', entry.sparsity);
      add('epoch/exploration_rate', entry.explorationRate);
      add('epoch/validation_accuracy', entry.validationAccuracy);
      break;
  }
  return scalars;
}

/**
 * One run's log as a TensorBoard event file (the bytes of `events.out.tfevents.*`): a file-version event, then one
 * event of scalars per log line at the trainer's step, wall time from the run's start time and `elapsedMs`.
 */
export function trainingLogEvents(log: Pick<TrainingLog, 'run' | 'entries'>): Uint8Array {
  const start = Date.parse(log.run.startedAt) / 1000;
  const records = [tfRecord(encodeEvent(start, 0, { fileVersion: 'brain.Event:2' }))];
  for (const entry of log.entries) {
    const scalars = scalarsOf(entry);
    if (scalars.length > 0) records.push(tfRecord(encodeEvent(start + entry.elapsedMs / 1000, entry.step, { scalars })));
  }
  const out = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
  let offset = 0;
  for (const record of records) {
    out.set(record, offset);
    offset += record.length;
  }
  return out;
}

/**
 * Exports every training log of a results folder (`<dir>/logs/*.jsonl`) into `out`: `csv` writes one wide CSV per
 * run (`<label>.csv`) and `runs.csv` (one row per run: label, hash, suite, index, axes, git commit and dirty);
 * `tfevents` writes one TensorBoard run folder per run (`<label>/events.out.tfevents.<time>.topiary`), so
 * `tensorboard --logdir out` shows every run.
 */
export async function exportTrainingLogs(dir: string, out: string, format: LogExportFormat): Promise<LogExportSummary> {
  if (!(LOG_EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`format must be one of ${LOG_EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const logsDir = join(dir, LOGS_DIR);
  let names: string[];
  try {
    names = (await readdir(logsDir)).filter((name) => name.endsWith('.jsonl')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${dir} holds no training logs (${logsDir} does not exist); run \`topiary bench\` into it first`);
    throw error;
  }
  if (names.length === 0) throw new Error(`${logsDir} holds no training logs (*.jsonl)`);
  const logs = await Promise.all(names.map((name) => readTrainingLog(join(logsDir, name))));
  logs.sort((a, b) => a.run.index - b.run.index || a.run.hash.localeCompare(b.run.hash));
  await mkdir(out, { recursive: true });
  const files: string[] = [];
  if (format === 'csv') {
    const axisNames = [...new Set(logs.flatMap((log) => Object.keys(log.run.axes)))];
    const index = [['label', 'hash', 'suite', 'index', ...axisNames, 'startedAt', 'gitCommit', 'gitDirty', 'file'].map(csvCell).join(',')];
    for (const log of logs) {
      const file = join(out, `${runLabel(log)}.csv`);
      await writeFile(file, trainingLogCsv(log.entries));
      files.push(file);
      const axes = axisNames.map((name) => log.run.axes[name]);
      index.push([runLabel(log), log.run.hash, log.run.suite, log.run.index, ...axes, log.run.startedAt, log.run.git?.commit, log.run.git?.dirty, `${runLabel(log)}.csv`].map(csvCell).join(','));
    }
    const indexFile = join(out, 'runs.csv');
    await writeFile(indexFile, `${index.join('\n')}\n`);
    files.push(indexFile);
  } else {
    for (const log of logs) {
      const runDir = join(out, runLabel(log));
      await mkdir(runDir, { recursive: true });
      const file = join(runDir, `events.out.tfevents.${Math.floor(Date.parse(log.run.startedAt) / 1000)}.topiary`);
      await writeFile(file, trainingLogEvents(log));
      files.push(file);
    }
  }
  return { runs: logs.length, files, truncated: logs.filter((log) => log.truncatedTail).length };
}
