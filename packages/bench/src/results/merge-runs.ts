import { access } from 'node:fs/promises';
import { readRunRecords, RunLog, runsFileOf } from './run-log.js';

/** What {@link mergeRuns} did. */
export interface MergeSummary {
  /** Records appended to the output. */
  readonly added: number;
  /** Records left out because the output (or an earlier input) already had their hash. */
  readonly skipped: number;
  /** The file written. */
  readonly file: string;
}

/**
 * Combines results folders (or .jsonl files), e.g. the shards of one suite, into `out`: records whose hash
 * `out` or an earlier input already holds are skipped, so merging is idempotent. Every input is read and
 * checked before anything is written; an input without a results file is an error (nothing is written).
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
  const sources = await Promise.all(inputs.map((input) => readRunRecords(input)));
  const log = await RunLog.open(out);
  let added = 0;
  let skipped = 0;
  try {
    for (const { records } of sources) {
      for (const record of records) {
        if (seen.has(record.hash)) {
          skipped += 1;
          continue;
        }
        seen.add(record.hash);
        log.append(record);
        added += 1;
      }
    }
  } finally {
    log.close();
  }
  return { added, skipped, file: log.file };
}
