import { z } from 'zod';

/** Version of the runs.jsonl record layout written by this package. */
export const RUN_RECORD_FORMAT = 1;

const axisLabelSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The training-loss curve in brief. */
export const lossSummarySchema = z.looseObject({
  /** Mean training loss of the first epoch. */
  first: z.number(),
  /** Mean training loss of the last epoch. */
  final: z.number(),
  /** Lowest epoch-mean training loss. */
  min: z.number(),
  /** Mean training loss of every epoch, in order. */
  perEpoch: z.array(z.number()),
});

/** One masked layer at the end of training. */
export const layerDensitySchema = z.looseObject({
  /** The kernel's name. */
  name: z.string(),
  /** The owning layer's name. */
  layerName: z.string().optional(),
  /** Weights in the kernel. */
  size: z.number(),
  /** Nonzero (active) weights. */
  active: z.number(),
  /** active / size. */
  density: z.number(),
});

/** FLOPs of the trained model and of its training (RigL, App. H). */
export const flopsSummarySchema = z.looseObject({
  /** Forward FLOPs per sample of the final sparse model, f_S. */
  inferencePerSample: z.number(),
  /** Forward FLOPs per sample of the dense model, f_D. */
  denseInferencePerSample: z.number(),
  /** f_S / f_D. */
  inferenceRatio: z.number(),
  /** FLOPs spent training, accumulated over the steps taken. */
  training: z.number(),
  /** FLOPs dense training of the same schedule would spend. */
  denseTraining: z.number(),
  /** training / denseTraining. */
  trainingRatio: z.number(),
});

/** One kind of trainer warning with how often and when it happened. */
export const runWarningSchema = z.looseObject({
  /** What happened: `non-finite-step`, `non-finite-update`, `slots-not-reset`, or a kind a newer trainer adds. */
  kind: z.string(),
  /** The message of the first occurrence. */
  message: z.string(),
  /** How many times it happened. */
  count: z.int().nonnegative(),
  /** Step of the first occurrence. */
  firstStep: z.int().nonnegative(),
  /** Step of the latest occurrence. */
  lastStep: z.int().nonnegative(),
});

/** Whether training went as scheduled (the trainer's `health()`); absent in records written before it existed. */
export const runHealthSchema = z.looseObject({
  /** Steps skipped because their loss or gradient was not finite. */
  skippedSteps: z.int().nonnegative(),
  /** Mask updates the schedule asked for. */
  scheduledUpdates: z.int().nonnegative(),
  /** Scheduled mask updates that were skipped (non-finite scores). */
  skippedUpdates: z.int().nonnegative(),
  /** Every kind of warning, with counts. */
  warnings: z.array(runWarningSchema),
});

/** Whether every mask update a run scheduled was skipped: its masks never moved, whatever its method says. */
export function allUpdatesSkipped(record: { readonly health?: RunHealth | undefined }): boolean {
  const health = record.health;
  return health !== undefined && health.scheduledUpdates > 0 && health.skippedUpdates === health.scheduledUpdates;
}

/**
 * A run's measured milliseconds per training step: its `msPerStep`, or for a record written before that field
 * existed the same quotient of its `trainingTimeMs` and `steps`; undefined for a record of no steps.
 */
export function msPerStepOf(record: { readonly msPerStep?: number | undefined; readonly trainingTimeMs: number; readonly steps: number }): number | undefined {
  if (record.msPerStep !== undefined) return record.msPerStep;
  return record.steps > 0 ? record.trainingTimeMs / record.steps : undefined;
}

/** The git state of the code that ran: the commit and whether the working tree had changes. */
export const gitStateSchema = z.looseObject({
  /** `git rev-parse HEAD`. */
  commit: z.string().regex(/^[0-9a-f]{40,64}$/, 'a hex commit id'),
  /** Whether `git status --porcelain` listed changes (the bench's output folder excepted). */
  dirty: z.boolean(),
});

/** The strategy a run trained with, as the worker resolved it: the preset's name and the kinds of its components. */
export const strategySummarySchema = z.looseObject({
  /** The strategy's name, e.g. `rigl`. */
  name: z.string(),
  /** The layer-wise distribution's kind, e.g. `erk`. */
  distribution: z.string(),
  /** How the first masks were chosen: `random`, `dense` or `scored`. */
  init: z.string(),
  /** The drop criterion's kind (absent for static masks). */
  drop: z.string().optional(),
  /** The grow criterion's kind (absent for static masks and pruning). */
  grow: z.string().optional(),
  /** The grown-weight initialiser's kind, when the strategy sets one. */
  growInit: z.string().optional(),
  /** The redistribution rule's kind, when the strategy has one. */
  redistribution: z.string().optional(),
});

/** A plugin module the bench loaded for a run, as its record names it. */
export const pluginRecordSchema = z.looseObject({
  /** The module's path as given: in the suite's `plugins` (relative to the suite file) or to `--plugin` (relative to the working directory). */
  path: z.string(),
  /** What `path` is relative to: `suite` or `cwd`. */
  relativeTo: z.enum(['suite', 'cwd']),
  /** SHA-256 of the plugin's source (the file and the local modules it imports) when the bench checked the suite. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a 64-digit lowercase hex SHA-256'),
  /** Whether the run names one of the plugin's components, models or data sets; then `sha256` is part of the run's `hash`. */
  used: z.boolean(),
});

/** The fields a run's measurements fill in (everything but its identity). */
const measurementsShape = {
  /** Final test accuracy in [0, 1]. */
  testAccuracy: z.number(),
  /** Best validation accuracy over the epochs, when the run evaluated one. */
  bestValidationAccuracy: z.number().optional(),
  /** Training-loss curve in brief. */
  loss: lossSummarySchema,
  /** Nonzero weights of the masked layers at the end. */
  nonzeros: z.number(),
  /** All weights of the masked layers. */
  totalWeights: z.number(),
  /** Overall sparsity of the masked layers at the end, 1 − nonzeros / totalWeights. */
  sparsity: z.number(),
  /** Per-layer densities at the end. */
  layers: z.array(layerDensitySchema),
  /** Inference and training FLOPs, absolute and relative to dense. */
  flops: flopsSummarySchema,
  /** Fraction of all weights that were ever active at some point of training (RigL's exploration). */
  explorationRate: z.number(),
  /** Wall-clock time of the run (data loading, training, evaluation) in milliseconds. */
  wallTimeMs: z.number(),
  /** Time spent in training steps only, in milliseconds. */
  trainingTimeMs: z.number(),
  /** Optimizer steps taken. */
  steps: z.int().nonnegative(),
  /** Measured wall time per step: trainingTimeMs / steps, in milliseconds (optional: older records lack it). */
  msPerStep: z.number().nonnegative().optional(),
  /**
   * Largest resident set size of the worker process sampled during the run (at its start, after every epoch, at its
   * end), in bytes: a lower bound of the run's true peak, and it includes what the worker kept from its earlier
   * runs (optional: older records lack it).
   */
  peakMemoryBytes: z.int().nonnegative().optional(),
  /** The worker process's resident-set high-water mark (`maxRSS`) since it started, at the run's end, in bytes; covers the worker's earlier runs (optional: older records lack it). */
  processMaxRssBytes: z.int().nonnegative().optional(),
  /** The backend the run used. */
  backend: z.looseObject({ name: z.string(), details: z.string() }),
  /** The engine that trained and why (`engine: 'auto'` resolved; optional: older records lack it and used the engine configured). */
  engine: z.looseObject({ name: z.enum(['masked', 'sparse']), reason: z.string() }).optional(),
  /** Versions of the packages that ran it. */
  versions: z.record(z.string(), z.string()),
  /** The data the run used: data set, sizes, where it came from. */
  data: z.record(z.string(), z.unknown()),
  /** Skipped steps and mask updates and the trainer's warnings with counts (optional: older records lack it). */
  health: runHealthSchema.optional(),
  /** The strategy's name and component kinds as the run resolved them (optional: older records lack it). */
  strategy: strategySummarySchema.optional(),
};

/** What a worker measures for one run: a run record without the identity fields the bench adds. */
export const runMeasurementsSchema = z.looseObject(measurementsShape);

/**
 * One finished run as stored in runs.jsonl: the resolved configuration, its hash and every measurement.
 * Unknown fields are kept, so records written by newer versions still read.
 */
export const runRecordSchema = z.looseObject({
  /** Record layout version ({@link RUN_RECORD_FORMAT}). */
  format: z.literal(RUN_RECORD_FORMAT),
  /** SHA-256 of the canonical JSON of the configuration's identity, with the SHA-256 of each plugin it names (see `configHash`). */
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'a 64-digit lowercase hex SHA-256'),
  /** Name of the suite the run belongs to. */
  suite: z.string(),
  /** Position of the run in its expanded suite. */
  index: z.int().nonnegative(),
  /** The sub-grid's label, when the suite has several. */
  grid: z.string().optional(),
  /** Axis name → the label of the value the run took. */
  axes: z.record(z.string(), axisLabelSchema),
  /** The full resolved run configuration. */
  config: z.record(z.string(), z.unknown()),
  ...measurementsShape,
  /** The git commit of the code that ran and whether its tree was dirty (absent outside a git work tree and in older records). */
  git: gitStateSchema.optional(),
  /** Every plugin module the bench loaded, in the order given (absent when it loaded none, and in older records). */
  plugins: z.array(pluginRecordSchema).optional(),
  /** When the run finished, ISO 8601. */
  finishedAt: z.string(),
});

/** One finished run as stored in runs.jsonl. */
export type RunRecord = z.output<typeof runRecordSchema>;
/** What a worker measures for one run. */
export type RunMeasurements = z.output<typeof runMeasurementsSchema>;
/** The training-loss curve in brief. */
export type LossSummary = z.output<typeof lossSummarySchema>;
/** One masked layer at the end of training. */
export type LayerDensity = z.output<typeof layerDensitySchema>;
/** A run's training health as recorded. */
export type RunHealth = z.output<typeof runHealthSchema>;
/** One kind of trainer warning as recorded. */
export type RunWarning = z.output<typeof runWarningSchema>;
/** The git state of the code that ran. */
export type GitState = z.output<typeof gitStateSchema>;
/** A run's strategy as recorded: its name and component kinds. */
export type StrategySummary = z.output<typeof strategySummarySchema>;
/** A plugin module as a run record names it. */
export type PluginRecord = z.output<typeof pluginRecordSchema>;
/** FLOPs of the trained model and of its training. */
export type FlopsSummary = z.output<typeof flopsSummarySchema>;
