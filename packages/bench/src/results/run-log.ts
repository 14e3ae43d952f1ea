import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { flattenIssues, formatPath } from '@topiary/core';
import { JsonLinesAppender, readJsonLines } from './jsonl-file.js';
import { runRecordSchema, type RunRecord } from './run-record.js';

/** The results file inside an output folder. */
export const RUNS_FILE = 'runs.jsonl';

/** What {@link readRunRecords} returns. */
export interface RunRecords {
  /** The records, in file order, one per hash (the first of any repeats). */
  readonly records: RunRecord[];
  /** Whether an incomplete last line (a killed writer) was skipped. */
  readonly truncatedTail: boolean;
  /** Lines whose hash repeated an earlier line's and were left out. */
  readonly duplicates: number;
}

/** The runs.jsonl path for a folder, or the path itself when it names a .jsonl file. */
export async function runsFileOf(path: string): Promise<string> {
  if (path.endsWith('.jsonl')) return path;
  try {
    if ((await stat(path)).isFile()) return path;
  } catch {
    // a folder that does not exist yet
  }
  return join(path, RUNS_FILE);
}

/**
 * Reads and checks the records of a results folder (or a .jsonl file). Skips an incomplete last line;
 * throws with the file, line and field for anything else that is not a valid record.
 */
export async function readRunRecords(path: string): Promise<RunRecords> {
  const file = await runsFileOf(path);
  const { values, truncatedTail } = await readJsonLines(file);
  const records: RunRecord[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  values.forEach((value, i) => {
    const parsed = runRecordSchema.safeParse(value);
    if (!parsed.success) {
      const problems = flattenIssues(parsed.error).map((issue) => `${formatPath('', issue.path) || '(record)'}: ${issue.message}`);
      throw new Error(`${file}: record ${i + 1} is not a run record:\n  ${problems.slice(0, 5).join('\n  ')}`);
    }
    if (seen.has(parsed.data.hash)) {
      duplicates += 1;
      return;
    }
    seen.add(parsed.data.hash);
    records.push(parsed.data);
  });
  return { records, truncatedTail, duplicates };
}

/** Appends run records to a results folder's runs.jsonl, one fsynced line each. */
export class RunLog {
  private constructor(private readonly appender: JsonLinesAppender) {}

  /** Opens the folder's runs.jsonl for appending, creating it and repairing an incomplete last line. */
  static async open(path: string): Promise<RunLog> {
    return new RunLog(await JsonLinesAppender.open(await runsFileOf(path)));
  }

  /** The file written. */
  get file(): string {
    return this.appender.file;
  }

  /** Checks a record and appends it as one line. */
  append(record: RunRecord): void {
    this.appender.append(runRecordSchema.parse(record));
  }

  /** Closes the file. */
  close(): void {
    this.appender.close();
  }
}
