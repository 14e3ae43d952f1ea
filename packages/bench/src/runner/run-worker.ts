// Entry module of a bench worker process (forked by the worker pool): runs experiments as the parent asks.
import { loadDataset } from '../data/load-dataset.js';
import type { LoadDatasetOptions, LoadedDataset } from '../data/loaded-dataset.js';
import { runExperiment, type RunProgress as StepProgress } from '../train/run-experiment.js';
import { packageVersions } from './package-versions.js';
import { toMeasurements } from './to-measurements.js';
import { exitIfOrphaned, serveRuns, type BenchProgress } from './worker-protocol.js';

/** Least time between two progress messages within an epoch. */
const PROGRESS_INTERVAL_MS = 250;

/** Data sets loaded by this worker, shared by the runs it does (the files are read once). */
const datasets = new Map<string, Promise<LoadedDataset>>();

function loadShared(options: LoadDatasetOptions): Promise<LoadedDataset> {
  const key = JSON.stringify(options);
  let loaded = datasets.get(key);
  if (!loaded) {
    loaded = loadDataset(options);
    loaded.catch(() => datasets.delete(key));
    datasets.set(key, loaded);
  }
  return loaded;
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

serveRuns(async (config, onProgress, onWarning, onLog) => {
  const result = await runExperiment(config, { loadData: loadShared, onProgress: epochProgress(onProgress), onWarning: (message) => onWarning(message), onLog });
  versions ??= packageVersions();
  return toMeasurements(result, await versions);
});
