import { Command } from 'commander';
import { writePlots } from '../results/write-plots.js';
import { commaList } from './parse-options.js';
import { readResultsForCli } from './table-command.js';

/** `topiary plot DIR`. */
export function plotCommand(): Command {
  return new Command('plot')
    .description('accuracy vs sparsity and accuracy vs training FLOPs as SVG, with error bars over seeds')
    .argument('<dir>', 'results folder (or runs.jsonl)')
    .option('-o, --out <dir>', 'folder for the SVG files (default: the results folder)')
    .option('-r, --rows <names>', 'comma-separated row names that make the series and points', commaList)
    .option('-t, --title <text>', 'plot title (default: the suite name)')
    .action(async (dir: string, options: { out?: string; rows?: string[]; title?: string }) => {
      const records = await readResultsForCli(dir);
      const files = await writePlots(records, options.out ?? (dir.endsWith('.jsonl') ? '.' : dir), {
        ...(options.rows ? { rows: options.rows } : {}),
        ...(options.title ? { title: options.title } : {}),
      });
      process.stdout.write(`${files.join('\n')}\n`);
    });
}
