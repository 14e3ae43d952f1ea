import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aggregateRuns } from '../results/aggregate-runs.js';
import { formatTable, TABLE_FORMATS } from '../results/format-table.js';
import { writePlots } from '../results/write-plots.js';
import { benchFromCli, withBenchOptions, type BenchCliOptions } from './bench-command.js';
import { withPlotOptions, type PlotCliOptions } from './plot-command.js';
import { readResultsForCli } from './table-command.js';

/** `topiary compare SUITE --out DIR`: bench, then the table (printed and saved in every format) and the plots. */
export function compareCommand(): Command {
  return withPlotOptions(
    withBenchOptions(
      new Command('compare')
        .description('run a suite, print its table and write table.{md,csv,tex,json} and the plots (SVG, PNG or PDF) into the output folder')
        .argument('<suite>', 'suite file (JSON)')
        .option('--time', 'add a column of measured milliseconds per training step to the tables'),
    ),
  ).action(async (suite: string, options: BenchCliOptions & PlotCliOptions & { time?: boolean }) => {
    const summary = await benchFromCli(suite, options);
    if (summary.aborted) return;
    const records = await readResultsForCli(options.out);
    const table = aggregateRuns(records);
    const time = { time: options.time === true };
    for (const format of TABLE_FORMATS) await writeFile(join(options.out, `table.${format}`), formatTable(table, format, time));
    process.stdout.write(`\n${formatTable(table, 'md', time)}\n`);
    const files = await writePlots(records, options.out, { formats: options.format, style: options.style, scale: options.pngScale });
    process.stdout.write(`tables: ${join(options.out, 'table.{md,csv,tex,json}')}\nplots: ${files.join(', ')}\n`);
  });
}
