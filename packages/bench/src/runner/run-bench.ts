import { appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pluginFiles } from '../plugins/plugin-set.js';
import { readRunRecords, RunLog } from '../results/run-log.js';
import { RUN_RECORD_FORMAT, type GitState, type PluginRecord, type RunRecord } from '../results/run-record.js';
import { trainingLogFile, TrainingLogWriter } from '../results/training-log.js';
import { loadSuite } from '../suite/load-suite.js';
import { describeRun, type ResolvedRun } from '../suite/resolve-runs.js';
import { selectShard, type Shard } from '../suite/shard.js';
import { pluginsUsedBy } from '../train/config-hash.js';
import type { RunConfig } from '../train/config.js';
import { defaultReporter, type BenchReporter, type ReportedRun } from './bench-reporter.js';
import { readGitState } from './git-state.js';
import { acquireOutLock } from './out-lock.js';
import { runPool, type WorkerSpec } from './worker-pool.js';

/** Failed runs are logged here, one JSON line each; unlike finished runs they are retried by the next bench. */
export const FAILURES_FILE = 'failures.jsonl';

/** Options for {@link runBench}. */
export interface BenchOptions {
  /** The suite file. */
  readonly suiteFile: string;
  /** Output folder; its runs.jsonl gets one line per finished run. */
  readonly out: string;
  /** Worker processes. @default the number of CPU cores */
  readonly concurrency?: number;
  /** Only this shard of the grid. @default the whole grid */
  readonly shard?: Shard;
  /** Backend for every run, replacing the suite's. @default the suite's */
  readonly backend?: string;
  /** Folder holding the data files, replacing the suite's. @default the suite's */
  readonly dataDir?: string;
  /** Plugin modules to load besides the suite's `plugins` (the CLI's `--plugin`), relative to the working directory. @default [] */
  readonly plugins?: readonly string[];
  /** Where progress goes. @default bars on a terminal, plain lines otherwise */
  readonly reporter?: BenchReporter;
  /** Aborting kills the workers; finished runs stay recorded. */
  readonly signal?: AbortSignal;
  /** How to start workers. @default the bench's own worker */
  readonly worker?: WorkerSpec;
  /** Pass every training-log line to the reporter as well (`--log-steps`); they are written to `logs/` either way. @default false */
  readonly logSteps?: boolean;
  /**
   * Folder whose git work tree is recorded in every run record (`git`: commit and whether the tree is dirty, the
   * output folder excepted); nothing is recorded outside a git work tree. @default the current working directory
   */
  readonly gitDir?: string;
}

/** What {@link runBench} did. */
export interface BenchSummary {
  /** Runs in the (sharded) grid. */
  readonly total: number;
  /** Runs skipped because the output already had their hash. */
  readonly skipped: number;
  /** Runs finished and written by this bench. */
  readonly finished: number;
  /** Runs that failed, with their errors. */
  readonly failed: readonly { readonly index: number; readonly hash: string; readonly error: string }[];
  /** Whether the bench was aborted before the end. */
  readonly aborted: boolean;
  /** The results file. */
  readonly file: string;
}

/**
 * Runs a suite into an output folder: loads its plugins and validates every run first, skips runs whose hash the
 * folder already holds, runs the rest in worker processes (which load the same plugin files) and appends one line
 * per finished run to runs.jsonl, naming every plugin with its SHA-256. Each run's training log (step,
 * mask-update and epoch lines at the run's `logging` interval) goes to `logs/<hash>.jsonl`.
 * @example
 * const summary = await runBench({ suiteFile: 'benchmarks/suites/quick.json', out: 'topiary-out/quick', concurrency: 2 });
 */
export async function runBench(options: BenchOptions): Promise<BenchSummary> {
  const concurrency = options.concurrency ?? availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const loaded = await loadSuite(options.suiteFile, {
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.plugins !== undefined ? { plugins: options.plugins } : {}),
  });
  const runs = options.shard ? selectShard(loaded.runs, options.shard) : loaded.runs;
  const reporter = options.reporter ?? defaultReporter();
  // One bench per output folder: a second one would see the same runs missing and do them all again.
  const lock = acquireOutLock(options.out, { suite: loaded.suite.name });
  try {
    if (lock.tookOverStale) {
      reporter.warning?.(`took over a stale lock of pid ${lock.tookOverStale.pid} (${lock.tookOverStale.host}, since ${lock.tookOverStale.since}), which is no longer running`);
    }
    return await runLocked(options, loaded, runs, reporter, concurrency);
  } finally {
    lock.release();
  }
}

async function runLocked(
  options: BenchOptions,
  loaded: Awaited<ReturnType<typeof loadSuite>>,
  runs: readonly ResolvedRun<RunConfig>[],
  reporter: BenchReporter,
  concurrency: number,
): Promise<BenchSummary> {
  const existing = await readRunRecords(options.out);
  const done = new Set(existing.records.map((record) => record.hash));
  const pending = runs.filter((run) => !done.has(run.hash));
  const log = await RunLog.open(options.out);
  const git: GitState | undefined = readGitState(options.gitDir ?? process.cwd(), { ignore: options.out });
  const trainingLogs = new Map<number, TrainingLogWriter>();
  const closeTrainingLog = (id: number): void => {
    trainingLogs.get(id)?.close();
    trainingLogs.delete(id);
  };
  const failures: { index: number; hash: string; error: string }[] = [];
  let finished = 0;
  const reported = new Map<number, ReportedRun>();
  let started = 0;
  const reportOf = (run: ResolvedRun<RunConfig>): ReportedRun => {
    let entry = reported.get(run.index);
    if (!entry) {
      started += 1;
      entry = { ordinal: started, of: pending.length, description: describeRun(run) };
      reported.set(run.index, entry);
    }
    return entry;
  };
  const byIndex = new Map(pending.map((run) => [run.index, run]));
  // workers load the same plugin files by path, and refuse one whose bytes no longer have the hash validated here
  const plugins = pluginFiles(loaded.pluginSet);
  const pluginRecords = (run: ResolvedRun<RunConfig>): PluginRecord[] => {
    const used = new Set(pluginsUsedBy(run.config, loaded.pluginSet).map((plugin) => plugin.file));
    return plugins.map(({ path, relativeTo, file, sha256 }) => ({ path, relativeTo, sha256, used: used.has(file) }));
  };
  const workers = Math.min(concurrency, pending.length);
  reporter.start({ suite: loaded.suite.name, total: runs.length, done: runs.length - pending.length, pending: pending.length, workers });
  let aborted = false;
  try {
    ({ aborted } = await runPool(
      pending.map((run) => ({ id: run.index, config: run.config, plugins })),
      { concurrency: Math.max(1, workers), ...(options.worker ? { worker: options.worker } : {}), ...(options.signal ? { signal: options.signal } : {}) },
      {
        onStart: (job) => {
          const run = byIndex.get(job.id)!;
          closeTrainingLog(job.id);
          trainingLogs.set(
            job.id,
            new TrainingLogWriter(trainingLogFile(options.out, run.hash), {
              type: 'run',
              hash: run.hash,
              suite: loaded.suite.name,
              index: run.index,
              axes: { ...run.axes },
              startedAt: new Date().toISOString(),
              ...(git !== undefined ? { git } : {}),
            }),
          );
          reporter.runStarted(reportOf(run));
        },
        onLog: (job, entry) => {
          trainingLogs.get(job.id)?.append(entry);
          if (options.logSteps === true) reporter.runLog?.(reportOf(byIndex.get(job.id)!), entry);
        },
        onProgress: (job, progress) => reporter.runProgress(reportOf(byIndex.get(job.id)!), progress),
        onWarning: (job, message) => reporter.runWarning?.(reportOf(byIndex.get(job.id)!), message),
        onDone: (job, measurements) => {
          const run = byIndex.get(job.id)!;
          const record: RunRecord = {
            format: RUN_RECORD_FORMAT,
            hash: run.hash,
            suite: loaded.suite.name,
            index: run.index,
            ...(run.grid !== undefined ? { grid: run.grid } : {}),
            axes: { ...run.axes },
            config: run.config as unknown as Record<string, unknown>,
            ...measurements,
            ...(git !== undefined ? { git } : {}),
            ...(plugins.length > 0 ? { plugins: pluginRecords(run) } : {}),
            finishedAt: new Date().toISOString(),
          };
          closeTrainingLog(job.id);
          log.append(record);
          finished += 1;
          reporter.runFinished(reportOf(run), record);
        },
        onFailed: (job, error) => {
          closeTrainingLog(job.id);
          const run = byIndex.get(job.id)!;
          const failure = { index: run.index, hash: run.hash, error };
          failures.push(failure);
          reporter.runFailed(reportOf(run), error.split('\n')[0] ?? error);
          appendFileSync(join(options.out, FAILURES_FILE), `${JSON.stringify({ ...failure, axes: run.axes, at: new Date().toISOString() })}\n`);
        },
      },
    ));
  } finally {
    for (const id of [...trainingLogs.keys()]) closeTrainingLog(id);
    log.close();
    reporter.stop();
  }
  return { total: runs.length, skipped: runs.length - pending.length, finished, failed: failures, aborted, file: log.file };
}
