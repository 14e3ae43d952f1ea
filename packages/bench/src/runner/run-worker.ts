// Entry module of a bench worker process (forked by the worker pool): runs experiments as the parent asks.
import { loadDataset } from '../data/load-dataset.js';
import type { LoadDatasetOptions, LoadedDataset } from '../data/loaded-dataset.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import { builtinPluginSet, type PluginFile, type PluginSet } from '../plugins/plugin-set.js';
import { runExperiment, type RunProgress as StepProgress } from '../train/run-experiment.js';
import { packageVersions } from './package-versions.js';
import { toMeasurements } from './to-measurements.js';
import { exitIfOrphaned, serveRuns, type BenchProgress } from './worker-protocol.js';

/** Least time between two progress messages within an epoch. */
const PROGRESS_INTERVAL_MS = 250;

/** Data sets loaded by this worker, shared by the runs it does (the files are read once). */
const datasets = new Map<string, Promise<LoadedDataset>>();

function loadShared(options: LoadDatasetOptions, plugins: PluginSet): Promise<LoadedDataset> {
  const key = JSON.stringify(options);
  let loaded = datasets.get(key);
  if (!loaded) {
    loaded = loadDataset(options, plugins.datasets);
    loaded.catch(() => datasets.delete(key));
    datasets.set(key, loaded);
  }
  return loaded;
}

/** Plugin sets loaded by this worker, by the files they were loaded from: each module is imported once. */
const pluginSets = new Map<string, Promise<PluginSet>>();

/** The plugins of a run: the same files the bench validated it with, loaded once; a file whose bytes changed since is refused. */
function pluginsOf(files: readonly PluginFile[]): Promise<PluginSet> {
  if (files.length === 0) return Promise.resolve(builtinPluginSet);
  const key = JSON.stringify(files);
  let set = pluginSets.get(key);
  if (!set) {
    set = loadPlugins(files);
    set.catch(() => pluginSets.delete(key));
    pluginSets.set(key, set);
  }
  return set;
}

/** Turns per-step reports into throttled progress messages carrying the epoch's running mean loss. */
function epochProgress(send: (progress: BenchProgress) => void): (step: StepProgress) => void {
  let epoch = 0;
  let lossSum = 0;
  let steps = 0;
  let lastSent = 0;
  return (step) => {
    exitIfOrphaned();
    if (step.epoch !== epoch) {
      epoch = step.epoch;
      lossSum = 0;
      steps = 0;
    }
    lossSum += step.loss;
    steps += 1;
    const epochEnd = step.step * step.epochs === step.epoch * step.totalSteps;
    const now = Date.now();
    if (!epochEnd && now - lastSent < PROGRESS_INTERVAL_MS) return;
    lastSent = now;
    send({ epoch: step.epoch, epochs: step.epochs, step: step.step, totalSteps: step.totalSteps, loss: lossSum / steps, epochEnd });
  };
}

let versions: Promise<Record<string, string>> | undefined;

serveRuns(async (config, onProgress, onWarning, onLog, pluginFiles) => {
  const pluginSet = await pluginsOf(pluginFiles);
  const result = await runExperiment(config, {
    pluginSet,
    loadData: (options) => loadShared(options, pluginSet),
    onProgress: epochProgress(onProgress),
    onWarning: (message) => onWarning(message),
    onLog,
  });
  versions ??= packageVersions();
  return toMeasurements(result, await versions);
});
