import { Command, Option } from 'commander';
import { exportTrainingLogs, LOG_EXPORT_FORMATS, type LogExportFormat } from '../results/export-logs.js';

/** `topiary logs export DIR --out OUT --format csv|tfevents`. */
export function logsCommand(): Command {
  const exportCommand = new Command('export')
    .description('write the training logs of a results folder (logs/*.jsonl) as wide CSV files (pandas) or TensorBoard event files')
    .argument('<dir>', 'results folder (holding runs.jsonl and logs/)')
    .requiredOption('-o, --out <dir>', 'folder to write into (tensorboard --logdir it, or read its CSV files)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(LOG_EXPORT_FORMATS).default('csv'))
    .action(async (dir: string, options: { out: string; format: LogExportFormat }) => {
      const summary = await exportTrainingLogs(dir, options.out, options.format);
      if (summary.truncated > 0) process.stderr.write(`note: skipped an incomplete last line in ${summary.truncated} log(s) (runs interrupted while writing)\n`);
      process.stdout.write(`${summary.runs} run log(s) exported as ${options.format} into ${options.out}\n`);
    });
  return new Command('logs').description('training logs written per run beside runs.jsonl').addCommand(exportCommand);
}
