import cliProgress from 'cli-progress';
import { allUpdatesSkipped, type RunRecord } from '../results/run-record.js';
import { EtaEstimator, formatDuration } from './eta.js';
import type { TrainingLogEntry } from '../results/training-log.js';
import type { BenchProgress } from './worker-protocol.js';

/** A run as the reporter sees it. */
export interface ReportedRun {
  /** Position among the runs this bench starts (1-based). */
  readonly ordinal: number;
  /** Runs this bench starts. */
  readonly of: number;
  /** Short description: index and axis values. */
  readonly description: string;
}

/** What a bench tells its user. */
export interface BenchReporter {
  /** The grid is known: how many runs, how many already done, on how many workers. */
  start(info: { readonly suite: string; readonly total: number; readonly done: number; readonly pending: number; readonly workers: number }): void;
  /** A worker took a run. */
  runStarted(run: ReportedRun): void;
  /** A run reported progress. */
  runProgress(run: ReportedRun, progress: BenchProgress): void;
  /** A run finished and its record was written. */
  runFinished(run: ReportedRun, record: RunRecord): void;
  /** A run failed. */
  runFailed(run: ReportedRun, error: string): void;
  /** A run's trainer warned (the first occurrence of each kind; the record counts them all). */
  runWarning?(run: ReportedRun, message: string): void;
  /** A line of a run's training log (only when the bench was asked to print them: `logSteps`, `--log-steps`). */
  runLog?(run: ReportedRun, entry: TrainingLogEntry): void;
  /** Something about the bench itself the user should know (e.g. a stale lock taken over). */
  warning?(message: string): void;
  /** The bench is over (or aborted); release the terminal. */
  stop(): void;
}

/** What a finished run's record says went wrong in training (skipped updates and steps, every warning kind with its count), or nothing. */
export function healthNote(record: RunRecord): string | undefined {
  const health = record.health;
  if (health === undefined) return undefined;
  const notes: string[] = [];
  if (allUpdatesSkipped(record)) notes.push(`all ${health.scheduledUpdates} scheduled mask updates were skipped: the masks never changed (static training)`);
  else if (health.skippedUpdates > 0) notes.push(`${health.skippedUpdates} of ${health.scheduledUpdates} mask updates skipped`);
  if (health.skippedSteps > 0) notes.push(`${health.skippedSteps} step(s) skipped (non-finite loss or gradient)`);
  for (const warning of health.warnings) {
    const steps = warning.firstStep === warning.lastStep ? `step ${warning.firstStep}` : `steps ${warning.firstStep}–${warning.lastStep}`;
    notes.push(`${warning.kind} ×${warning.count} (${steps})`);
  }
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/** One training-log line as a short human-readable text (what `--log-steps` prints). */
export function formatLogEntry(entry: TrainingLogEntry): string {
  const num = (value: number | null | undefined, digits = 4): string => (value === null || value === undefined ? '—' : value.toFixed(digits));
  const lr = (value: number | undefined): string => (value === undefined ? '' : ` lr ${value.toPrecision(3)}`);
  switch (entry.type) {
    case 'step':
      return entry.skipped
        ? `epoch ${entry.epoch} step ${entry.step}: skipped (non-finite loss or gradient)`
        : `epoch ${entry.epoch} step ${entry.step}: loss ${num(entry.loss)} mean ${num(entry.meanLoss)}${lr(entry.learningRate)} ${num(entry.meanTimeMs, 1)} ms/step`;
    case 'mask-update': {
      if (!entry.applied) return `epoch ${entry.epoch} step ${entry.step}: mask update skipped (${entry.reason ?? 'non-finite'})`;
      const layers = entry.layers.map((l) => `${l.layerName} ${(100 * l.density).toFixed(1)}% −${l.dropped}/+${l.grown}`).join(', ');
      return `epoch ${entry.epoch} step ${entry.step}: mask update −${entry.dropped}/+${entry.grown}, sparsity ${(100 * entry.sparsity).toFixed(2)}%, exploration ${(100 * entry.explorationRate).toFixed(2)}% [${layers}]`;
    }
    case 'epoch':
      return `epoch ${entry.epoch} done: mean loss ${num(entry.meanLoss)}${lr(entry.learningRate)} in ${formatDuration(entry.timeMs)}, sparsity ${(100 * entry.sparsity).toFixed(2)}%, exploration ${(100 * entry.explorationRate).toFixed(2)}%${entry.validationAccuracy === undefined ? '' : `, validation ${(100 * entry.validationAccuracy).toFixed(2)}%`}`;
  }
}

function etaText(eta: EtaEstimator): string {
  const left = eta.remaining(Date.now());
  return left === undefined ? 'ETA ?' : `ETA ${formatDuration(left)}`;
}

function fractionOf(progress: BenchProgress): number {
  return progress.totalSteps > 0 ? progress.step / progress.totalSteps : progress.epochs > 0 ? progress.epoch / progress.epochs : 0;
}

/** Plain lines (for logs and CI): one when a run starts, after each epoch, and when it ends. */
export class LineReporter implements BenchReporter {
  private eta = new EtaEstimator(0, Date.now());
  private finished = 0;

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  start(info: Parameters<BenchReporter['start']>[0]): void {
    this.eta = new EtaEstimator(info.pending, Date.now());
    this.write(`${info.suite}: ${info.total} runs, ${info.done} already done, ${info.pending} to run on ${info.workers} worker(s)`);
  }

  runStarted(run: ReportedRun): void {
    this.write(`[${run.ordinal}/${run.of}] start ${run.description}`);
  }

  runProgress(run: ReportedRun, progress: BenchProgress): void {
    this.eta.progress(run.ordinal, fractionOf(progress));
    if (!progress.epochEnd) return;
    this.write(`[${run.ordinal}/${run.of}] epoch ${progress.epoch}/${progress.epochs} loss ${progress.loss.toFixed(4)} | ${etaText(this.eta)}`);
  }

  runFinished(run: ReportedRun, record: RunRecord): void {
    this.eta.finish(run.ordinal);
    this.finished += 1;
    this.write(
      `[${run.ordinal}/${run.of}] done ${run.description}: accuracy ${(100 * record.testAccuracy).toFixed(2)}% in ${formatDuration(record.wallTimeMs)} | ${this.finished}/${run.of} finished, ${etaText(this.eta)}`,
    );
    const note = healthNote(record);
    if (note !== undefined) this.write(`[${run.ordinal}/${run.of}] WARNING ${run.description}: ${note}`);
  }

  runWarning(run: ReportedRun, message: string): void {
    this.write(`[${run.ordinal}/${run.of}] warning ${run.description}: ${message}`);
  }

  runLog(run: ReportedRun, entry: TrainingLogEntry): void {
    this.write(`[${run.ordinal}/${run.of}] ${formatLogEntry(entry)}`);
  }

  warning(message: string): void {
    this.write(`warning: ${message}`);
  }

  runFailed(run: ReportedRun, error: string): void {
    this.eta.finish(run.ordinal);
    this.write(`[${run.ordinal}/${run.of}] FAILED ${run.description}: ${error}`);
  }

  stop(): void {}
}

/** Live bars for a terminal (cli-progress): one for the whole bench with its ETA, one per run in flight. */
export class TerminalReporter implements BenchReporter {
  private readonly bars = new cliProgress.MultiBar(
    {
      stream: process.stdout,
      hideCursor: true,
      clearOnComplete: false,
      barsize: 24,
      format: '{label} {bar} {value}/{total} | {status}',
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  private overall: cliProgress.SingleBar | undefined;
  private readonly running = new Map<number, cliProgress.SingleBar>();
  private eta = new EtaEstimator(0, Date.now());
  private finished = 0;

  start(info: Parameters<BenchReporter['start']>[0]): void {
    this.eta = new EtaEstimator(info.pending, Date.now());
    this.bars.log(`${info.suite}: ${info.total} runs, ${info.done} already done, ${info.pending} to run on ${info.workers} worker(s)\n`);
    this.overall = this.bars.create(info.pending, 0, { label: 'runs  ', status: 'ETA ?' });
  }

  runStarted(run: ReportedRun): void {
    this.running.set(run.ordinal, this.bars.create(1, 0, { label: `run ${run.ordinal}/${run.of}`, status: run.description }));
  }

  runProgress(run: ReportedRun, progress: BenchProgress): void {
    this.eta.progress(run.ordinal, fractionOf(progress));
    const loss = ` loss ${progress.loss.toFixed(4)}`;
    this.running.get(run.ordinal)?.update(progress.step, {
      status: `epoch ${progress.epoch}/${progress.epochs}${loss} | ${run.description}`,
    });
    this.running.get(run.ordinal)?.setTotal(Math.max(1, progress.totalSteps));
    this.overall?.update(this.finished, { status: etaText(this.eta) });
  }

  runFinished(run: ReportedRun, record: RunRecord): void {
    this.end(run);
    this.bars.log(`done ${run.description}: accuracy ${(100 * record.testAccuracy).toFixed(2)}% in ${formatDuration(record.wallTimeMs)}\n`);
    const note = healthNote(record);
    if (note !== undefined) this.bars.log(`WARNING ${run.description}: ${note}\n`);
  }

  runWarning(run: ReportedRun, message: string): void {
    this.bars.log(`warning ${run.description}: ${message}\n`);
  }

  runLog(run: ReportedRun, entry: TrainingLogEntry): void {
    this.bars.log(`run ${run.ordinal}/${run.of} ${formatLogEntry(entry)}\n`);
  }

  warning(message: string): void {
    this.bars.log(`warning: ${message}\n`);
  }

  runFailed(run: ReportedRun, error: string): void {
    this.end(run);
    this.bars.log(`FAILED ${run.description}: ${error}\n`);
  }

  private end(run: ReportedRun): void {
    this.eta.finish(run.ordinal);
    this.finished += 1;
    const bar = this.running.get(run.ordinal);
    if (bar) this.bars.remove(bar);
    this.running.delete(run.ordinal);
    this.overall?.update(this.finished, { status: etaText(this.eta) });
  }

  stop(): void {
    this.bars.stop();
  }
}

/** Bars on a terminal, plain lines otherwise (a pipe, a file, CI). */
export function defaultReporter(): BenchReporter {
  return process.stdout.isTTY ? new TerminalReporter() : new LineReporter();
}
