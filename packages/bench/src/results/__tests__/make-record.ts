import { sha256OfJson } from '../../json/canonical-json.js';
import { RUN_RECORD_FORMAT, type RunRecord } from '../run-record.js';

/** Builds a hand-made run record for tests; the hash follows from method, sparsity, seed and `extra`. */
export function makeRecord(options: {
  method: string;
  sparsity: number;
  seed: number;
  accuracy: number;
  trainingRatio?: number;
  inferenceRatio?: number;
  index?: number;
  suite?: string;
  axes?: Record<string, string | number | boolean | null>;
  extra?: Record<string, unknown>;
}): RunRecord {
  const config = {
    data: { dataset: 'fashion-mnist-subset', validationSplit: 0, normalize: 'none' },
    model: { kind: 'lenet-300-100' },
    algorithm: { method: options.method, sparsity: options.sparsity },
    seed: options.seed,
    backend: 'cpu',
    ...options.extra,
  };
  const trainingRatio = options.trainingRatio ?? 1 - options.sparsity;
  const inferenceRatio = options.inferenceRatio ?? 1 - options.sparsity;
  return {
    format: RUN_RECORD_FORMAT,
    hash: sha256OfJson(config),
    suite: options.suite ?? 'test',
    index: options.index ?? 0,
    axes: options.axes ?? { 'algorithm.method': options.method, 'algorithm.sparsity': options.sparsity, seed: options.seed },
    config,
    testAccuracy: options.accuracy,
    loss: { first: 2, final: 0.5, min: 0.5, perEpoch: [2, 0.5] },
    nonzeros: Math.round(266_200 * (1 - options.sparsity)),
    totalWeights: 266_200,
    sparsity: options.sparsity,
    layers: [{ name: 'dense_1/kernel', size: 235_200, active: Math.round(235_200 * (1 - options.sparsity)), density: 1 - options.sparsity }],
    flops: {
      inferencePerSample: 532_000 * inferenceRatio,
      denseInferencePerSample: 532_000,
      inferenceRatio,
      training: 1e12 * trainingRatio,
      denseTraining: 1e12,
      trainingRatio,
    },
    explorationRate: 0.2,
    wallTimeMs: 1234,
    trainingTimeMs: 1000,
    steps: 78,
    backend: { name: 'cpu', details: 'pure JS' },
    versions: { '@topiary/bench': '0.1.0' },
    data: { dataset: 'fashion-mnist-subset', train: 5000, test: 1000 },
    finishedAt: '2026-01-01T00:00:00.000Z',
  };
}
