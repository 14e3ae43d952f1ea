import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, resolveStrategy } from '@topiary/algorithms';
import { cpu } from '@topiary/backend-cpu';
import { findKernelLayers, type LayerShape } from '@topiary/core';
import { batchesPerEpoch } from '../data/batches.js';
import type { DatasetRequest, UserDatasetKind } from '../data/dataset-name.js';
import { isFashionMnistRequest } from '../data/dataset-name.js';
import { bundledSubsetDir, loadDataset, type SubsetManifest } from '../data/load-dataset.js';
import type { LoadDatasetOptions, LoadedDataset } from '../data/loaded-dataset.js';
import { createModel } from '../models/create-model.js';
import type { ModelConfig, PluginModelConfig } from '../models/model-config.js';
import { FASHION_MNIST_SHAPE, type ModelDataShape } from '../models/model-context.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { builtinPluginSet, type PluginSet } from '../plugins/plugin-set.js';
import type { DataConfig, RunConfig } from '../train/config.js';
import { dataShapeOf, datasetOptionsOf } from '../train/run-experiment.js';
import { canonicalJson } from '../json/canonical-json.js';
import { describeRun, type ResolvedRun } from './resolve-runs.js';
import type { SuiteProblem } from './suite-error.js';

/** Training examples of the full Fashion-MNIST. */
const FULL_TRAIN_COUNT = 60_000;

let subsetTrainCount: number | undefined;

/** Training examples a built-in data set request may give: for `fashion-mnist-or-subset` the smaller (the subset). */
export function trainExamplesOf(dataset: Exclude<DatasetRequest, UserDatasetKind>): number {
  if (dataset === 'fashion-mnist') return FULL_TRAIN_COUNT;
  subsetTrainCount ??= (JSON.parse(readFileSync(join(bundledSubsetDir(), 'manifest.json'), 'utf8')) as SubsetManifest).trainCount;
  return subsetTrainCount;
}

/**
 * The masked kernels of the model a config builds, as the trainer sees them: the model is built (on tfjs's active
 * backend, or the CPU backend when none is active yet; a plugin's model from `models`), its layer shapes read and
 * the model disposed.
 */
export async function modelLayerShapes(config: ModelConfig | PluginModelConfig, shape: ModelDataShape = FASHION_MNIST_SHAPE, models?: ModelRegistry): Promise<LayerShape[]> {
  if ((tf.engine() as unknown as { backendName?: string }).backendName === undefined) {
    await cpu().setup();
    // building a model is all the bench's own process does with tfjs: skip tfjs-backend-cpu's "install tfjs-node" banner
    const backend = tf.backend() as { firstUse?: boolean };
    if (backend.firstUse === true) backend.firstUse = false;
  }
  const model = await createModel(config, 0, shape, models);
  try {
    return findKernelLayers(model)
      .filter((kernel) => kernel.masked)
      .map((kernel) => kernel.shape);
  } finally {
    model.dispose();
  }
}

/** Options of {@link checkRuns}. */
export interface CheckRunsOptions {
  /** Layer shapes of a model config for data of a shape; throws when the model does not fit the data. @default {@link modelLayerShapes} with the plugins' models */
  readonly layerShapes?: (config: ModelConfig | PluginModelConfig, shape: ModelDataShape) => Promise<readonly LayerShape[]>;
  /** Loads a user or plugin data set (`idx`, `npy`, `npz`, `csv`, `module`, a plugin's) to check its counts and shape. @default loadDataset with the plugins' data sets */
  readonly loadData?: (options: LoadDatasetOptions) => Promise<LoadedDataset>;
  /** The plugins whose components, models and data sets the runs may name; strategies are resolved with their registry. @default none */
  readonly pluginSet?: PluginSet;
  /** Where in the suite file a run's config path came from (e.g. `$.axes[0].variants[2].config.algorithm`). @default the config path */
  readonly locate?: (run: ResolvedRun<RunConfig>, configPath: readonly (string | number)[]) => string;
}

/** `algorithm.update.drop.kind` or `a.b[2]` as keys. */
function pathKeys(path: string): (string | number)[] {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((key) => key !== undefined && key !== '')
    .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

/**
 * Checks what the run-config schema cannot see alone, for every run of a suite and before any of them starts:
 * the data (a user data set is read once to count its examples and take its shape), the model against the data
 * (input shape vs the examples, output units vs the classes), the batch against the training examples left after `trainLimit` and `validationSplit`, the strategy resolved
 * over the run's real step count (unknown criterion kinds, a `begin` at or after the end, a pruning span shorter
 * than ΔT), and the distribution against the layer shapes of the run's model (a density map or dense list naming
 * a layer the model lacks). Each distinct model is built once. Returns every problem found, grouped by message.
 */
export async function checkRuns(runs: readonly ResolvedRun<RunConfig>[], options: CheckRunsOptions = {}): Promise<SuiteProblem[]> {
  const plugins = options.pluginSet ?? builtinPluginSet;
  const layerShapes = options.layerShapes ?? ((config: ModelConfig | PluginModelConfig, shape: ModelDataShape) => modelLayerShapes(config, shape, plugins.models));
  const loadData = options.loadData ?? ((data: LoadDatasetOptions) => loadDataset(data, plugins.datasets));
  const shapes = new Map<string, Promise<readonly LayerShape[]>>();
  const userData = new Map<string, Promise<{ trainCount: number; shape: ModelDataShape }>>();
  const factsOf = (data: DataConfig): Promise<{ trainCount: number; shape: ModelDataShape }> => {
    if (isFashionMnistRequest(data.dataset)) return Promise.resolve({ trainCount: trainExamplesOf(data.dataset), shape: FASHION_MNIST_SHAPE });
    const loaderOptions = datasetOptionsOf(data);
    const key = canonicalJson(loaderOptions as unknown as Parameters<typeof canonicalJson>[0]);
    let facts = userData.get(key);
    if (facts === undefined) {
      // only the counts and the shape are kept: the arrays are let go once read
      facts = loadData(loaderOptions).then((loaded) => ({ trainCount: loaded.info.trainCount, shape: dataShapeOf(loaded) }));
      userData.set(key, facts);
    }
    return facts;
  };
  const problems = new Map<string, { where: string; message: string; runs: string[] }>();
  const add = (configPath: string, problem: string, run: ResolvedRun<RunConfig>): void => {
    const where = options.locate ? options.locate(run, pathKeys(configPath)) : configPath;
    const message = options.locate ? `${configPath}: ${problem}` : problem;
    const key = `${where}\u0000${message}`;
    const entry = problems.get(key) ?? { where, message, runs: [] };
    entry.runs.push(describeRun(run));
    problems.set(key, entry);
  };
  for (const run of runs) {
    const { data, training, algorithm, model } = run.config;
    let facts;
    try {
      facts = await factsOf(data);
    } catch (error) {
      add('data', (error as Error).message, run);
      continue;
    }
    const available = facts.trainCount;
    const limited = Math.min(available, data.trainLimit ?? available);
    const left = limited - data.validationSplit;
    const source = data.dataset === 'fashion-mnist-or-subset' ? ` (the subset's ${available}, which ${data.dataset} may use)` : ` of ${data.dataset}`;
    if (left <= 0) {
      add('data.validationSplit', `must be smaller than the ${limited} training examples${source} (got ${data.validationSplit})`, run);
      continue;
    }
    const stepsPerEpoch = batchesPerEpoch(left, training.batchSize);
    if (stepsPerEpoch === 0) {
      add('training.batchSize', `must be at most the ${left} training examples left after trainLimit and validationSplit${source} (got ${training.batchSize})`, run);
      continue;
    }
    let strategy;
    try {
      strategy = resolveStrategy(algorithm, { totalSteps: training.epochs * stepsPerEpoch, stepsPerEpoch, root: 'algorithm', registry: plugins.components });
    } catch (error) {
      if (error instanceof ConfigError) for (const issue of error.issues) add(issue.path, issue.message, run);
      else add('algorithm', (error as Error).message, run);
      continue;
    }
    const modelKey = `${canonicalJson(model)}\u0000${facts.shape.featureShape.join()}\u0000${facts.shape.numClasses}`;
    let modelShapes = shapes.get(modelKey);
    if (modelShapes === undefined) {
      modelShapes = layerShapes(model, facts.shape);
      shapes.set(modelKey, modelShapes);
    }
    let kernels;
    try {
      kernels = await modelShapes;
    } catch (error) {
      add('model', (error as Error).message, run);
      continue;
    }
    try {
      strategy.distribution.densities(kernels, strategy.sparsity);
    } catch (error) {
      add('algorithm.distribution', `${(error as Error).message} (model ${model.kind})`, run);
    }
  }
  return [...problems.values()];
}
