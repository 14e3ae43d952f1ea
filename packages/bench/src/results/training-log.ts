import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { flattenIssues, formatPath } from '@topiary/core';
import { z } from 'zod';
import { readJsonLines } from './jsonl-file.js';
import { gitStateSchema } from './run-record.js';

/** The folder, beside runs.jsonl, that holds one training log per run. */
export const LOGS_DIR = 'logs';

/** The training log of the run with this hash inside an output folder: `logs/<hash>.jsonl`. */
export function trainingLogFile(out: string, hash: string): string {
  return join(out, LOGS_DIR, `${hash}.jsonl`);
}


/** The first line of a training log: which run it is. */
export const logRunLineSchema = z.looseObject({
  /** Discriminant. */
  type: z.literal('run'),
  /** The run's config hash (as in runs.jsonl). */
  hash: z.string(),
  /** The suite. */
  suite: z.string(),
  /** Position of the run in its expanded suite. */
  index: z.int().nonnegative(),
  /** Axis name → label of the run's value. */
  axes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** When the run started, ISO 8601. */
  startedAt: z.string(),
  /** The git state of the code, when the bench ran in a git work tree. */
  git: gitStateSchema.optional(),
});

/** A step line, written every `logging.everySteps` steps (and for every skipped step). */
export const logStepLineSchema = z.looseObject({
  /** Discriminant. */
  type: z.literal('step'),
  /** Epoch, 1-based. */
  epoch: z.int().positive(),
  /** The trainer's step index (0-based). */
  step: z.int().nonnegative(),
  /** Milliseconds since the run started (data loading included), for wall-clock axes. */
  elapsedMs: z.number().nonnegative(),
  /** The batch loss of this step. */
  loss: z.number().nullable(),
  /** Mean batch loss of the steps since the previous step line (this one included). */
  meanLoss: z.number().nullable(),
  /** The optimizer's learning rate, when readable. */
  learningRate: z.number().optional(),
  /** Wall time of this step in milliseconds. */
  timeMs: z.number(),
  /** Mean step wall time since the previous step line, in milliseconds. */
  meanTimeMs: z.number(),
  /** Whether the step was skipped (non-finite loss or gradient). */
  skipped: z.boolean(),
});

/** One masked layer of a mask-update line. */
export const logLayerCountsSchema = z.looseObject({
  /** Kernel variable name. */
  name: z.string(),
  /** Owning layer name. */
  layerName: z.string(),
  /** Weights in the kernel. */
  size: z.int().nonnegative(),
  /** Active weights after the update. */
  active: z.int().nonnegative(),
  /** active / size. */
  density: z.number(),
  /** Weights dropped by the update. */
  dropped: z.int().nonnegative(),
  /** Weights grown by the update. */
  grown: z.int().nonnegative(),
});

/** A mask-update line: what one scheduled update changed (the trainer's `mask-update` event with its epoch). */
export const logMaskUpdateLineSchema = z.looseObject({
  /** Discriminant. */
  type: z.literal('mask-update'),
  /** Epoch, 1-based. */
  epoch: z.int().positive(),
  /** The trainer's step index of the update. */
  step: z.int().nonnegative(),
  /** Milliseconds since the run started (data loading included), for wall-clock axes. */
  elapsedMs: z.number().nonnegative(),
  /** Whether the update was applied (false: skipped, masks kept). */
  applied: z.boolean(),
  /** Why it was skipped. */
  reason: z.string().optional(),
  /** Weights dropped over all layers. */
  dropped: z.int().nonnegative(),
  /** Weights grown over all layers. */
  grown: z.int().nonnegative(),
  /** Sparsity of the masked layers after the update. */
  sparsity: z.number(),
  /** Fraction of masked weights ever active. */
  explorationRate: z.number(),
  /** Wall time of the update in milliseconds. */
  timeMs: z.number(),
  /** Per-layer counts. */
  layers: z.array(logLayerCountsSchema),
});

/** An epoch line, always written at the end of every epoch. */
export const logEpochLineSchema = z.looseObject({
  /** Discriminant. */
  type: z.literal('epoch'),
  /** Epoch, 1-based. */
  epoch: z.int().positive(),
  /** The trainer's index of the epoch's last step. */
  step: z.int().nonnegative(),
  /** Milliseconds since the run started (data loading included), for wall-clock axes. */
  elapsedMs: z.number().nonnegative(),
  /** Mean batch loss of the epoch. */
  meanLoss: z.number(),
  /** The learning rate of the epoch, when readable. */
  learningRate: z.number().optional(),
  /** Wall time of the epoch's steps in milliseconds. */
  timeMs: z.number(),
  /** Sparsity of the masked layers at the end of the epoch. */
  sparsity: z.number(),
  /** Fraction of masked weights ever active at the end of the epoch. */
  explorationRate: z.number(),
  /** Validation accuracy after the epoch (with `training.evaluateBestValidation`). */
  validationAccuracy: z.number().optional(),
});

/** One line a run reports while it trains (everything but the header). */
export const trainingLogEntrySchema = z.discriminatedUnion('type', [logStepLineSchema, logMaskUpdateLineSchema, logEpochLineSchema]);

/** Any line of a training log file. */
export const trainingLogLineSchema = z.discriminatedUnion('type', [logRunLineSchema, logStepLineSchema, logMaskUpdateLineSchema, logEpochLineSchema]);

/** The header line of a training log. */
export type LogRunLine = z.output<typeof logRunLineSchema>;
/** A step line. */
export type LogStepLine = z.output<typeof logStepLineSchema>;
/** A mask-update line. */
export type LogMaskUpdateLine = z.output<typeof logMaskUpdateLineSchema>;
/** An epoch line. */
export type LogEpochLine = z.output<typeof logEpochLineSchema>;
/** What a run reports while it trains: a step, mask-update or epoch line. */
export type TrainingLogEntry = z.output<typeof trainingLogEntrySchema>;
/** Any line of a training log file. */
export type TrainingLogLine = z.output<typeof trainingLogLineSchema>;

/**
 * Writes one run's training log: opening starts the file afresh (a run restarted after a crash logs from its
 * first step again), then every line is one complete `write` on a file opened for appending, so a killed run
 * leaves at most one incomplete last line, which {@link readTrainingLog} skips. Epoch lines are flushed with
 * `fsync`; step and mask-update lines are left to the OS (they are cheap to lose and frequent).
 */
export class TrainingLogWriter {
  private fd: number | undefined;

  /** Creates `logs/` and the run's file, replacing an earlier one, and writes the header line. */
  constructor(
    /** The file written. */
    readonly file: string,
    header: LogRunLine,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    // 'w' truncates a log left by an interrupted earlier attempt of the same run
    closeSync(openSync(file, 'w'));
    this.fd = openSync(file, 'a');
    this.write(header, true);
  }

  /** Appends one line. */
  append(entry: TrainingLogEntry): void {
    this.write(entry, entry.type === 'epoch');
  }

  /** Flushes and closes the file; further appends are ignored. */
  close(): void {
    if (this.fd === undefined) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }

  private write(value: unknown, sync: boolean): void {
    if (this.fd === undefined) return;
    const bytes = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    writeSync(this.fd, bytes, 0, bytes.length);
    if (sync) fsyncSync(this.fd);
  }
}

/** A training log as read back. */
export interface TrainingLog {
  /** The file read. */
  readonly file: string;
  /** The header line. */
  readonly run: LogRunLine;
  /** The step, mask-update and epoch lines, in file order. */
  readonly entries: TrainingLogEntry[];
  /** Whether an incomplete last line (a killed run) was skipped. */
  readonly truncatedTail: boolean;
}

/** Reads and checks a training log; throws naming the file, the line and the field of anything invalid. */
export async function readTrainingLog(file: string): Promise<TrainingLog> {
  const { values, truncatedTail } = await readJsonLines(file);
  const lines = values.map((value, i) => {
    const parsed = trainingLogLineSchema.safeParse(value);
    if (!parsed.success) {
      const problems = flattenIssues(parsed.error).map((issue) => `${formatPath('', issue.path) || '(line)'}: ${issue.message}`);
      throw new Error(`${file}: line ${i + 1} is not a training-log line:\n  ${problems.slice(0, 5).join('\n  ')}`);
    }
    return parsed.data;
  });
  const first = lines[0];
  if (first?.type !== 'run') throw new Error(`${file}: the first line must be the run header ({"type":"run",…}), got ${first === undefined ? 'an empty file' : `type "${first.type}"`}`);
  const entries = lines.slice(1).filter((line): line is TrainingLogEntry => line.type !== 'run');
  return { file, run: first, entries, truncatedTail };
}
