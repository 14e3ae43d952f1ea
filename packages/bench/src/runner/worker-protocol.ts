import type { PluginFile } from '../plugins/plugin-set.js';
import type { RunMeasurements } from '../results/run-record.js';
import type { TrainingLogEntry } from '../results/training-log.js';
import type { RunConfig } from '../train/config.js';


/** Live progress of a run, sent a few times a second and at the end of every epoch. */
export interface BenchProgress {
  /** Current epoch, 1-based. */
  readonly epoch: number;
  /** Epochs the run will train. */
  readonly epochs: number;
  /** Optimizer steps taken so far. */
  readonly step: number;
  /** Optimizer steps the run will take. */
  readonly totalSteps: number;
  /** Mean training loss of the current epoch so far. */
  readonly loss: number;
  /** Whether this step finished the epoch (then `loss` is the epoch's mean loss). */
  readonly epochEnd: boolean;
}

/** A message from the parent to a worker. */
export type ParentMessage =
  /** Run one configuration, with the plugin modules its suite loaded (the worker loads the same files and checks their hashes). */
  | { readonly type: 'run'; readonly id: number; readonly config: RunConfig; readonly plugins?: readonly PluginFile[] }
  /** Finish and exit. */
  | { readonly type: 'stop' };

/** A message from a worker to the parent. */
export type WorkerMessage =
  /** The worker has loaded and waits for runs. */
  | { readonly type: 'ready' }
  /** Progress of the run in hand. */
  | { readonly type: 'progress'; readonly id: number; readonly progress: BenchProgress }
  /** The run's trainer warned (sent once per warning kind). */
  | { readonly type: 'warning'; readonly id: number; readonly message: string }
  /** A line of the run's training log (step, mask update, epoch), at the run's `logging` interval. */
  | { readonly type: 'log'; readonly id: number; readonly entry: TrainingLogEntry }
  /** The run finished. */
  | { readonly type: 'done'; readonly id: number; readonly measurements: RunMeasurements }
  /** The run threw; the worker stays ready for the next one. */
  | { readonly type: 'failed'; readonly id: number; readonly error: string };

/**
 * Runs one configuration in a worker, reporting progress, warnings and training-log lines; resolves to its
 * measurements. `plugins` are the plugin files the bench validated the run with (paths and hashes, to load again).
 */
export type ExecuteRun = (
  config: RunConfig,
  onProgress: (progress: BenchProgress) => void,
  onWarning: (message: string) => void,
  onLog: (entry: TrainingLogEntry) => void,
  plugins: readonly PluginFile[],
) => Promise<RunMeasurements>;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

const parentPid = process.ppid;

/**
 * Exits when the parent bench has died. A training loop whose awaits all settle as microtasks never lets the
 * event loop notice the closed IPC channel, so workers call this on every step; it costs one getppid call.
 */
export function exitIfOrphaned(): void {
  if (process.ppid !== parentPid) process.exit(1);
}

/**
 * Turns the current process into a bench worker: it runs the configurations the parent sends, one at a time,
 * and exits when told to stop or when the parent goes away (so a killed bench leaves no orphans).
 */
export function serveRuns(execute: ExecuteRun): void {
  if (process.send === undefined) throw new Error('serveRuns must run in a process forked with an IPC channel');
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group; the parent decides, and kills workers itself when it aborts.
  process.on('SIGINT', () => {});
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      process.disconnect();
      return;
    }
    const { id, config, plugins = [] } = message;
    execute(
      config,
      (progress) => send({ type: 'progress', id, progress }),
      (warning) => send({ type: 'warning', id, message: warning }),
      (entry) => send({ type: 'log', id, entry }),
      plugins,
    )
      .then((measurements) => send({ type: 'done', id, measurements }))
      .catch((error: unknown) => send({ type: 'failed', id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  });
  send({ type: 'ready' });
}
