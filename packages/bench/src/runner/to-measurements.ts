import type { RunMeasurements } from '../results/run-record.js';
import type { RunResult } from '../train/run-experiment.js';

/** Turns what `runExperiment` returns into the measurements of a run record. */
export function toMeasurements(result: RunResult, versions: Record<string, string>): RunMeasurements {
  const perEpoch = result.lossCurve.map((entry) => entry.meanLoss);
  return {
    testAccuracy: result.testAccuracy,
    ...(result.bestValidationAccuracy === undefined ? {} : { bestValidationAccuracy: result.bestValidationAccuracy }),
    loss: {
      first: perEpoch[0] ?? result.finalLoss,
      final: result.finalLoss,
      min: perEpoch.length > 0 ? Math.min(...perEpoch) : result.finalLoss,
      perEpoch,
    },
    nonzeros: result.summary.activeWeights,
    totalWeights: result.summary.totalWeights,
    sparsity: result.summary.sparsity,
    layers: result.summary.layers.map((layer) => ({
      name: layer.name,
      layerName: layer.layerName,
      size: layer.size,
      active: layer.active,
      density: layer.density,
    })),
    flops: {
      inferencePerSample: result.flops.inferencePerSample,
      denseInferencePerSample: result.flops.denseInferencePerSample,
      inferenceRatio: result.flops.inferenceRatio,
      training: result.flops.training,
      denseTraining: result.flops.denseTraining,
      trainingRatio: result.flops.trainingRatio,
    },
    explorationRate: result.summary.explorationRate,
    wallTimeMs: result.wallTimeMs,
    trainingTimeMs: result.trainingTimeMs,
    steps: result.stepsTaken,
    msPerStep: result.msPerStep,
    peakMemoryBytes: result.peakMemoryBytes,
    processMaxRssBytes: result.processMaxRssBytes,
    backend: { name: result.backend, details: result.backendDetails },
    engine: { name: result.engine, reason: result.engineReason },
    versions,
    data: { ...result.data },
    health: {
      skippedSteps: result.health.skippedSteps,
      scheduledUpdates: result.health.scheduledUpdates,
      skippedUpdates: result.health.skippedUpdates,
      warnings: result.health.warnings.map((w) => ({ kind: w.kind, message: w.message, count: w.count, firstStep: w.firstStep, lastStep: w.lastStep })),
    },
    strategy: { ...result.strategy },
  };
}
