import { Command } from 'commander';
import { mergeRuns } from '../results/merge-runs.js';

/** `topiary merge OUT IN...`. */
export function mergeCommand(): Command {
  return new Command('merge')
    .description('combine results folders (e.g. shards) into one, keeping one record per config hash')
    .argument('<out>', 'output results folder (or .jsonl file); records it has are kept')
    .argument('<inputs...>', 'results folders or .jsonl files to merge in')
    .action(async (out: string, inputs: string[]) => {
      const summary = await mergeRuns(out, inputs);
      process.stdout.write(`${summary.added} record(s) added, ${summary.skipped} already present, ${summary.logsCopied} training log(s) copied; ${summary.file}\n`);
    });
}
