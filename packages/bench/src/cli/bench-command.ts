import { Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { runBench, type BenchSummary } from '../runner/run-bench.js';
import { parseShard } from '../suite/shard.js';
import { collect, positiveInteger } from './parse-options.js';

/** Options shared by `bench` and `compare`. */
export interface BenchCliOptions {
  /** Output folder. */
  readonly out: string;
  /** Worker processes. */
  readonly concurrency: number;
  /** `i/n`. */
  readonly shard?: string;
  /** Backend override. */
  readonly backend?: string;
  /** Data folder override. */
  readonly data?: string;
  /** Print every training-log line as it is written. */
  readonly logSteps?: boolean;
  /** Plugin modules (`--plugin`, repeatable), relative to the working directory. */
  readonly plugin?: readonly string[];
}

/** Adds the options of a bench to a command. */
export function withBenchOptions(command: Command): Command {
  return command
    .requiredOption('-o, --out <dir>', 'output folder (runs.jsonl is appended to; finished runs are skipped)')
    .addOption(
      new Option('-c, --concurrency <n>', 'worker processes').argParser(positiveInteger).default(availableParallelism(), 'number of CPU cores'),
    )
    .option('--shard <i/n>', 'run only shard i of n (1-based), split by config hash')
    .option('--backend <name>', 'backend for every run: auto, cpu, wasm or webgpu (replaces the suite\'s)')
    .option('--data <dir>', 'data folder for every run (replaces the suite\'s data.dir): the Fashion-MNIST files, or an idx or npy data set; relative to the working directory')
    .option('--log-steps', 'print each run\'s training log live: step lines every logging.everySteps steps, mask updates, epochs (always written to <out>/logs/<hash>.jsonl)')
    .option(
      '--plugin <path>',
      'plugin module (.mjs/.js; .ts under tsx) whose components, models and data sets the suite may name, besides the suite\'s "plugins"; relative to the working directory; repeatable',
      collect,
    );
}

/**
 * Runs a suite from the command line: Ctrl-C (SIGINT) or SIGTERM kills the workers and leaves the finished
 * runs recorded. Sets a non-zero exit code when runs failed or the bench was interrupted.
 */
export async function benchFromCli(suiteFile: string, options: BenchCliOptions): Promise<BenchSummary> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await runBench({
      suiteFile,
      out: options.out,
      concurrency: options.concurrency,
      ...(options.shard !== undefined ? { shard: parseShard(options.shard) } : {}),
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
      ...(options.data !== undefined ? { dataDir: options.data } : {}),
      ...(options.logSteps === true ? { logSteps: true } : {}),
      ...(options.plugin !== undefined ? { plugins: options.plugin } : {}),
      signal: controller.signal,
    });
    const failed = summary.failed.length;
    process.stdout.write(
      `${summary.finished} run(s) finished, ${summary.skipped} already done, ${failed} failed of ${summary.total}; results in ${summary.file}\n`,
    );
    if (summary.aborted) {
      process.stderr.write('interrupted: rerun the same command to finish the remaining runs\n');
      process.exitCode = 130;
    } else if (failed > 0) {
      process.stderr.write(`${failed} run(s) failed (see failures.jsonl next to runs.jsonl); rerun to retry them\n`);
      process.exitCode = 1;
    }
    return summary;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `topiary bench SUITE --out DIR`. */
export function benchCommand(): Command {
  return withBenchOptions(
    new Command('bench')
      .description('run every configuration of a suite in worker processes, appending one JSON line per finished run')
      .argument('<suite>', 'suite file (JSON): a base config and axes'),
  ).action(async (suite: string, options: BenchCliOptions) => {
    await benchFromCli(suite, options);
  });
}
