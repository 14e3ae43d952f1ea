import { Command, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { aggregateRuns } from '../results/aggregate-runs.js';
import { formatTable, TABLE_FORMATS, type FormatTableOptions, type TableFormat } from '../results/format-table.js';
import { readRunRecords } from '../results/run-log.js';
import type { RunRecord } from '../results/run-record.js';
import { commaList } from './parse-options.js';

/** Reads a results folder, warning on stderr about a skipped incomplete last line; throws when it holds no runs. */
export async function readResultsForCli(dir: string): Promise<RunRecord[]> {
  const { records, truncatedTail } = await readRunRecords(dir);
  if (truncatedTail) process.stderr.write(`note: skipped an incomplete last line in ${dir} (an interrupted write)\n`);
  if (records.length === 0) throw new Error(`no finished runs in ${dir}`);
  return records;
}

/** Renders a results folder as a table in the given format; `time` adds the measured ms/step column. */
export async function renderTable(dir: string, format: TableFormat, rows?: readonly string[], options: FormatTableOptions = {}): Promise<string> {
  return formatTable(aggregateRuns(await readResultsForCli(dir), rows), format, options);
}

/** `topiary table DIR`. */
export function tableCommand(): Command {
  return new Command('table')
    .description('method × sparsity (and other varying axes) table: test accuracy mean ± std over seeds, FLOPs relative to dense')
    .argument('<dir>', 'results folder (or runs.jsonl)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(TABLE_FORMATS).default('md'))
    .option('-r, --rows <names>', 'comma-separated row names: axis names, aliases (method, sparsity, distribution, …) or config paths', commaList)
    .option('-o, --out <file>', 'also write the table to this file')
    .option('--time', 'add a column of measured milliseconds per training step (mean ± std over the seeds; — for records that lack it)')
    .action(async (dir: string, options: { format: TableFormat; rows?: string[]; out?: string; time?: boolean }) => {
      const text = await renderTable(dir, options.format, options.rows, { time: options.time === true });
      process.stdout.write(text);
      if (options.out !== undefined) await writeFile(options.out, text);
    });
}
