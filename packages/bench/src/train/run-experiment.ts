import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { resolveStrategy } from '@topiary/algorithms';
import { chooseEngine, SparseEngineTrainer, type EngineChoice, type EngineName } from '@topiary/sparse';
import { Rng, SparseTrainer, type FlopsReport, type SparseStrategy, type SparsitySummary, type StepResult, type TrainerEvent, type TrainerWarning, type TrainingHealth } from '@topiary/core';
import { selectBackend } from '../backend/select-backend.js';
import { batchesPerEpoch, makeBatch, shuffledBatchIndices } from '../data/batches.js';
import { loadDataset } from '../data/load-dataset.js';
import type { LoadDatasetOptions, LoadedDataset } from '../data/loaded-dataset.js';
import { prepareData, type PreparedDatasetInfo } from '../data/prepare-data.js';
import { createModel, modelInputShape } from '../models/create-model.js';
import type { ModelDataShape } from '../models/model-context.js';
import { builtinPluginSet, type PluginSet } from '../plugins/plugin-set.js';
import { buildOptimizer, disposeOptimizer } from './build-optimizer.js';
import type { StrategySummary } from '../results/run-record.js';
import type { TrainingLogEntry } from '../results/training-log.js';
import type { DataConfig, LoggingConfig, RunConfig } from './config.js';
import { evaluateAccuracy } from './evaluate-accuracy.js';
import { learningRateAt } from './lr-schedule.js';
import { MemoryTracker, type MemoryReader } from './memory-usage.js';

/** Progress reported after every training step. */
export interface RunProgress {
  /** Current epoch, 1-based. */
  readonly epoch: number;
  /** Epochs in the run. */
  readonly epochs: number;
  /** Steps taken so far (1-based: 1 after the first step). */
  readonly step: number;
  /** Steps the run will take. */
  readonly totalSteps: number;
  /** Loss of the batch just trained on. */
  readonly loss: number;
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  /** Called after every step. */
  onProgress?(progress: RunProgress): void;
  /** Stops the run between steps; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Run on tfjs's active backend instead of starting `config.backend` (for apps and tests that set tfjs up themselves). @default false */
  readonly useActiveBackend?: boolean;
  /** Receives the trainer's warnings (the first of each kind; all are counted in {@link RunResult.health}). @default console.warn */
  onWarning?(message: string, warning: TrainerWarning): void;
  /** Loads the data set; replaces the default loader, e.g. to share one loaded copy across the runs of a grid. @default loadDataset with the plugins' data sets */
  readonly loadData?: (options: LoadDatasetOptions) => Promise<LoadedDataset>;
  /**
   * The plugins whose components, models and data sets the config may name (`loadPlugins`); the strategy is
   * resolved with their component registry, the model built and the data loaded with theirs. @default none
   */
  readonly pluginSet?: PluginSet;
  /**
   * Receives the run's training log as it trains: a step line every `config.logging.everySteps` steps, a line per
   * mask update (`config.logging.maskUpdates`) and an epoch line after every epoch. Without it the trainer gets no
   * event listener and nothing of this is computed. @default no log
   */
  onLog?(entry: TrainingLogEntry): void;
  /** Reads the process's memory for {@link RunResult.peakMemoryBytes}; replaced in tests. @default the Node process's `memoryUsage` and `resourceUsage` */
  readonly memory?: MemoryReader;
}

/** The mean training loss of one epoch. */
export interface EpochLoss {
  /** Epoch, 1-based. */
  readonly epoch: number;
  /** Mean of the batch losses of the epoch. */
  readonly meanLoss: number;
}

/** What one run measured. */
export interface RunResult {
  /** Top-1 accuracy on the test examples after the last epoch. */
  readonly testAccuracy: number;
  /** Highest validation accuracy seen after any epoch (only with `training.evaluateBestValidation`). */
  readonly bestValidationAccuracy?: number;
  /** Mean batch loss of the last epoch. */
  readonly finalLoss: number;
  /** Mean batch loss of every epoch. */
  readonly lossCurve: readonly EpochLoss[];
  /** Sparsity and per-layer densities of the final masks. */
  readonly summary: SparsitySummary;
  /** Inference and accumulated training FLOPs. */
  readonly flops: FlopsReport;
  /** Wall time of the whole run (data loading, training, evaluation), in milliseconds. */
  readonly wallTimeMs: number;
  /** Wall time spent in training steps only, in milliseconds. */
  readonly trainingTimeMs: number;
  /** Optimizer steps taken. */
  readonly stepsTaken: number;
  /** Measured wall time per step taken: {@link RunResult.trainingTimeMs} / {@link RunResult.stepsTaken}, in milliseconds. */
  readonly msPerStep: number;
  /** Largest resident set size of the process sampled during the run (at its start, after every epoch, at its end), in bytes. */
  readonly peakMemoryBytes: number;
  /** The process's resident-set high-water mark since it started (`resourceUsage().maxRSS`) at the run's end, in bytes; includes earlier runs of the same process. */
  readonly processMaxRssBytes: number;
  /** Which data the run used. */
  readonly data: PreparedDatasetInfo;
  /** The trainer's health at the end: skipped steps, scheduled and skipped mask updates, warnings with counts. */
  readonly health: TrainingHealth;
  /** The backend the run ran on (`cpu`, `wasm`, `webgpu`). */
  readonly backend: string;
  /** What the backend reported about itself and why it was chosen. */
  readonly backendDetails: string;
  /** The engine that trained (`engine: 'auto'` resolved). */
  readonly engine: EngineName;
  /** Why that engine: as configured, or `chooseEngine`'s reason. */
  readonly engineReason: string;
  /** The strategy as resolved: its name and the kinds of its components (a plugin's kinds among them). */
  readonly strategy: StrategySummary;
}

/** The loader options of a run's data config: the data set and where its files are. */
export function datasetOptionsOf(data: DataConfig): LoadDatasetOptions {
  const { dataset, dir, path, train, test, labelColumn, export: exportName, options } = data;
  return {
    dataset,
    dir,
    ...(path === undefined ? {} : { path }),
    ...(train === undefined ? {} : { train }),
    ...(test === undefined ? {} : { test }),
    ...(labelColumn === undefined ? {} : { labelColumn }),
    ...(exportName === undefined ? {} : { export: exportName }),
    ...(options === undefined ? {} : { options }),
  };
}

/** The example shape and class count of a loaded data set, for building and checking its model. */
export function dataShapeOf(loaded: LoadedDataset): ModelDataShape {
  return {
    featureShape: loaded.info.featureShape ?? [28, 28],
    numClasses: loaded.info.numClasses ?? 10,
    source: loaded.info.name === 'fashion-mnist' || loaded.info.name === 'fashion-mnist-subset' ? loaded.info.name : `${loaded.info.name} data ${loaded.info.source}`,
  };
}

/** Mean loss above which (or a non-finite loss) a run is reported as diverged rather than continued. */
const DIVERGED = 1e6;

/**
 * Runs one experiment: loads the data, builds the model with weights seeded from `config.seed`, resolves the
 * sparse-training strategy over `epochs · stepsPerEpoch` steps, trains with {@link SparseTrainer.step} on batches
 * built from typed arrays, steps the learning-rate schedule each epoch and evaluates test (and optionally
 * validation) accuracy. Everything it creates is disposed, also when it fails or is aborted.
 * @example
 * const result = await runExperiment(parseRunConfig({ algorithm: { method: 'rigl', sparsity: 0.9 } }));
 * console.log(result.testAccuracy, result.flops.trainingRatio);
 */
export async function runExperiment(config: RunConfig, options: RunExperimentOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const signal = options.signal;
  signal?.throwIfAborted();
  const memory = new MemoryTracker(options.memory);

  const backend = options.useActiveBackend
    ? { name: tf.getBackend(), details: 'the active tfjs backend', reason: 'useActiveBackend' }
    : await selectBackend(config.backend);

  const seeds = Rng.fromSeed(config.seed);
  const splitSeed = seeds.seed();
  const modelSeed = seeds.seed();
  const trainerSeed = seeds.seed();
  const shuffleRng = seeds.fork();

  const plugins = options.pluginSet ?? builtinPluginSet;
  const loaded = await (options.loadData ?? ((data: LoadDatasetOptions) => loadDataset(data, plugins.datasets)))(datasetOptionsOf(config.data));
  signal?.throwIfAborted();
  const data = prepareData(loaded, {
    validationSplit: config.data.validationSplit,
    normalize: config.data.normalize,
    trainLimit: config.data.trainLimit,
    testLimit: config.data.testLimit,
    seed: splitSeed,
  });

  const { batchSize, epochs, learningRate, lrSchedule } = config.training;
  const stepsPerEpoch = batchesPerEpoch(data.train.count, batchSize);
  if (stepsPerEpoch === 0) {
    throw new RangeError(
      `training.batchSize must be at most the ${data.train.count} training examples left after trainLimit and validationSplit, got ${batchSize}`,
    );
  }
  const totalSteps = epochs * stepsPerEpoch;
  const strategy = resolveStrategy(config.algorithm, { totalSteps, stepsPerEpoch, root: 'algorithm', registry: plugins.components });

  let model: LayersModel | undefined;
  let optimizer: tf.Optimizer | undefined;
  let trainer: SparseTrainer | SparseEngineTrainer | undefined;
  let engine: EngineChoice;
  let currentEpoch = 1;
  try {
    model = await createModel(config.model, modelSeed, dataShapeOf(loaded), plugins.models);
    const inputShape = modelInputShape(model);
    optimizer = buildOptimizer(config.training.optimizer, learningRate);
    const trainerOptions = {
      strategy,
      optimizer,
      loss: 'categoricalCrossentropy',
      seed: trainerSeed,
      weightDecay: config.training.weightDecay,
      ...(options.onLog ? { onEvent: trainingLogger(config.logging, options.onLog, () => currentEpoch, started) } : {}),
    } as const;
    engine = resolveEngine(config.engine, model, strategy, backend.name);
    trainer =
      engine.engine === 'sparse'
        ? new SparseEngineTrainer(model, trainerOptions)
        : new SparseTrainer(model, { ...trainerOptions, ...(options.onWarning ? { onWarning: options.onWarning } : {}) });
    const predictor = engine.engine === 'sparse' ? trainer as SparseEngineTrainer : model;

    const lossCurve: EpochLoss[] = [];
    let bestValidationAccuracy: number | undefined;
    let trainingTimeMs = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      currentEpoch = epoch + 1;
      const epochLearningRate = learningRateAt(lrSchedule, learningRate, epoch, epochs);
      trainer.setLearningRate(epochLearningRate);
      let lossSum = 0;
      let lossCount = 0;
      const epochStarted = performance.now();
      for (const indices of shuffledBatchIndices(data.train.count, batchSize, shuffleRng)) {
        signal?.throwIfAborted();
        const batch = makeBatch(data.train, indices, data.normalization, inputShape);
        let result: StepResult & { readonly skipped?: boolean };
        try {
          result = await trainer.step(batch.x, batch.y);
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
        const loss = result.loss;
        // a step the trainer skipped (non-finite loss or gradient) changed nothing; it is counted in health()
        if (result.skipped === true) continue;
        if (!Number.isFinite(loss) || loss > DIVERGED) {
          throw new Error(
            `training diverged at step ${trainer.stepCount} (loss ${loss}); lower training.learningRate (now ${learningRate})`,
          );
        }
        lossSum += loss;
        lossCount += 1;
        options.onProgress?.({ epoch: epoch + 1, epochs, step: trainer.stepCount, totalSteps, loss });
      }
      const epochTimeMs = performance.now() - epochStarted;
      trainingTimeMs += epochTimeMs;
      memory.sample();
      if (lossCount === 0) {
        throw new Error(`training diverged: every step of epoch ${epoch + 1} was skipped (non-finite loss or gradient); lower training.learningRate (now ${learningRate})`);
      }
      lossCurve.push({ epoch: epoch + 1, meanLoss: lossSum / lossCount });
      let validationAccuracy: number | undefined;
      if (config.training.evaluateBestValidation) {
        validationAccuracy = await evaluateAccuracy(predictor, data.validation, data.normalization, 1000, inputShape);
        bestValidationAccuracy = Math.max(bestValidationAccuracy ?? 0, validationAccuracy);
      }
      if (options.onLog) {
        const summary = trainer.summary();
        options.onLog({
          type: 'epoch',
          epoch: epoch + 1,
          step: trainer.stepCount - 1,
          elapsedMs: performance.now() - started,
          meanLoss: lossSum / lossCount,
          learningRate: epochLearningRate,
          timeMs: epochTimeMs,
          sparsity: summary.sparsity,
          explorationRate: summary.explorationRate,
          ...(validationAccuracy === undefined ? {} : { validationAccuracy }),
        });
      }
    }
    signal?.throwIfAborted();
    const testAccuracy = await evaluateAccuracy(predictor, data.test, data.normalization, 1000, inputShape);
    const stepsTaken = trainer.stepCount;
    return {
      testAccuracy,
      ...(bestValidationAccuracy === undefined ? {} : { bestValidationAccuracy }),
      finalLoss: lossCurve[lossCurve.length - 1]!.meanLoss,
      lossCurve,
      summary: trainer.summary(),
      flops: trainer.flops(),
      wallTimeMs: performance.now() - started,
      trainingTimeMs,
      stepsTaken,
      msPerStep: trainingTimeMs / stepsTaken,
      ...memory.result(),
      data: data.info,
      health: trainer.health(),
      backend: backend.name,
      backendDetails: `${backend.details}; ${backend.reason}`,
      engine: engine.engine,
      engineReason: engine.reason,
      strategy: summarizeStrategy(strategy),
    };
  } finally {
    trainer?.dispose();
    if (optimizer) disposeOptimizer(optimizer);
    model?.dispose();
  }
}

/** The engine a run trains with: as configured, or chosen by `chooseEngine` for `auto`. */
function resolveEngine(requested: RunConfig['engine'], model: LayersModel, strategy: SparseStrategy, backend: string): EngineChoice {
  if (requested === 'auto') return chooseEngine(model, strategy, { backend });
  return { engine: requested, reason: `engine '${requested}' as configured` };
}

/** The name and component kinds of a resolved strategy. */
function summarizeStrategy(strategy: SparseStrategy): StrategySummary {
  const update = strategy.update;
  return {
    name: strategy.name,
    distribution: strategy.distribution.kind,
    init: strategy.init.kind,
    ...(update ? { drop: update.drop.kind } : {}),
    ...(update?.grow ? { grow: update.grow.kind } : {}),
    ...(update?.growInit ? { growInit: update.growInit.kind } : {}),
    ...(update?.redistribution ? { redistribution: update.redistribution.kind } : {}),
  };
}

/**
 * Turns trainer events into training-log lines: every `everySteps`-th step (counting steps taken, so steps
 * everySteps − 1, 2·everySteps − 1, …) with the mean loss and step time since the previous line, every skipped
 * step, and every mask update when `maskUpdates` is on.
 */
function trainingLogger(logging: LoggingConfig, onLog: (entry: TrainingLogEntry) => void, epochOf: () => number, started: number): (event: TrainerEvent) => void {
  let lossSum = 0;
  let timeSum = 0;
  let count = 0;
  let timed = 0;
  return (event) => {
    if (event.type === 'mask-update') {
      if (!logging.maskUpdates) return;
      onLog({ ...event, epoch: epochOf(), elapsedMs: performance.now() - started, layers: event.layers.map((layer) => ({ ...layer })) });
      return;
    }
    timeSum += event.timeMs;
    timed += 1;
    if (!event.skipped) lossSum += event.loss;
    count += event.skipped ? 0 : 1;
    const due = logging.everySteps > 0 && !event.skipped && (event.step + 1) % logging.everySteps === 0;
    if (!due && !event.skipped) return;
    onLog({
      type: 'step',
      epoch: epochOf(),
      step: event.step,
      elapsedMs: performance.now() - started,
      loss: Number.isFinite(event.loss) ? event.loss : null,
      meanLoss: count > 0 ? lossSum / count : null,
      ...(event.learningRate === undefined ? {} : { learningRate: event.learningRate }),
      timeMs: event.timeMs,
      meanTimeMs: timeSum / timed,
      skipped: event.skipped,
    });
    if (due) {
      lossSum = 0;
      timeSum = 0;
      count = 0;
      timed = 0;
    }
  };
}
