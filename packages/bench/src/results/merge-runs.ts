import { access, copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readRunRecords, RunLog, runsFileOf } from './run-log.js';
import { trainingLogFile } from './training-log.js';

/** What {@link mergeRuns} did. */
export interface MergeSummary {
  /** Records appended to the output. */
  readonly added: number;
  /** Records left out because the output (or an earlier input) already had their hash. */
  readonly skipped: number;
  /** Training logs (`logs/<hash>.jsonl`) copied with the added records (an input's run without one has none). */
  readonly logsCopied: number;
  /** The file written. */
  readonly file: string;
}

/**
 * Combines results folders (or .jsonl files), e.g. the shards of one suite, into `out`: records whose hash
 * `out` or an earlier input already holds are skipped, so merging is idempotent. Every input is read and
 * checked before anything is written; an input without a results file is an error (nothing is written). The
 * training log of each added record is copied from the input's `logs/` folder into the output's, when it exists.
 */
export async function mergeRuns(out: string, inputs: readonly string[]): Promise<MergeSummary> {
  if (inputs.length === 0) throw new RangeError('merge needs at least one input folder or .jsonl file');
  const missing: string[] = [];
  for (const input of inputs) {
    const file = await runsFileOf(input);
    try {
      await access(file);
    } catch {
      missing.push(file === input ? input : `${input} (no ${file})`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`merge: ${missing.length} input(s) have no results file, nothing was written:\n  ${missing.join('\n  ')}`);
  }
  const existing = await readRunRecords(out);
  const seen = new Set(existing.records.map((record) => record.hash));
  const sources = await Promise.all(inputs.map(async (input) => ({ ...(await readRunRecords(input)), dir: dirname(await runsFileOf(input)) })));
  const log = await RunLog.open(out);
  let added = 0;
  let skipped = 0;
  let logsCopied = 0;
  const outDir = dirname(log.file);
  try {
    for (const { records, dir } of sources) {
      for (const record of records) {
        if (seen.has(record.hash)) {
          skipped += 1;
          continue;
        }
        seen.add(record.hash);
        log.append(record);
        added += 1;
        const source = trainingLogFile(dir, record.hash);
        const target = trainingLogFile(outDir, record.hash);
        if (source !== target && (await exists(source))) {
          await mkdir(dirname(target), { recursive: true });
          await copyFile(source, target);
          logsCopied += 1;
        }
      }
    }
  } finally {
    log.close();
  }
  return { added, skipped, logsCopied, file: log.file };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
