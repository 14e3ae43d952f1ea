import { describe, expect, it } from 'vitest';
import { runMeasurementsSchema } from '../../results/run-record.js';
import type { RunResult } from '../../train/run-experiment.js';
import { toMeasurements } from '../to-measurements.js';

const result = {
  testAccuracy: 0.8,
  finalLoss: 0.5,
  lossCurve: [{ epoch: 1, meanLoss: 0.9 }, { epoch: 2, meanLoss: 0.5 }],
  summary: { step: 20, sparsity: 0.9, activeWeights: 10, totalWeights: 100, explorationRate: 0.2, layers: [] },
  flops: { inferencePerSample: 1, denseInferencePerSample: 10, inferenceRatio: 0.1, training: 2, denseTraining: 20, trainingRatio: 0.1 },
  wallTimeMs: 900,
  trainingTimeMs: 500,
  stepsTaken: 20,
  msPerStep: 25,
  peakMemoryBytes: 300 << 20,
  processMaxRssBytes: 350 << 20,
  data: { name: 'fashion-mnist-subset' },
  health: { skippedSteps: 0, scheduledUpdates: 0, skippedUpdates: 0, warnings: [] },
  backend: 'cpu',
  backendDetails: 'pure JS; asked for cpu',
  engine: 'sparse',
  engineReason: 'initial sparsity 0.9 ≥ crossover 0.57',
  strategy: { name: 'static', distribution: 'erk', init: 'random' },
} as unknown as RunResult;

describe('toMeasurements', () => {
  it('carries ms/step, the memory measurements and the engine used into a valid record', () => {
    const measurements = toMeasurements(result, { '@topiary/bench': '0.0.0' });
    expect(measurements).toMatchObject({ msPerStep: 25, peakMemoryBytes: 300 << 20, processMaxRssBytes: 350 << 20, steps: 20, trainingTimeMs: 500 });
    expect(measurements.engine).toEqual({ name: 'sparse', reason: 'initial sparsity 0.9 ≥ crossover 0.57' });
    expect(runMeasurementsSchema.parse(measurements)).toMatchObject({ msPerStep: 25, peakMemoryBytes: 300 << 20 });
  });
});
