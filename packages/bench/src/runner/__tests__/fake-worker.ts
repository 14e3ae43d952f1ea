// A stand-in bench worker for tests: it trains nothing. The seed selects the behaviour:
// 13 throws, 99 kills the process, 98 exits at once, 77 warns and skips every mask update; any other seed
// "trains" two epochs (one training-log line each) and reports accuracy seed / 100. Its `data` names the plugin
// files the run was sent.
import { serveRuns } from '../worker-protocol.js';

serveRuns(async (config, onProgress, onWarning, onLog, plugins) => {
  if (config.seed === 13) throw new Error('unlucky seed 13');
  if (config.seed === 99) process.kill(process.pid, 'SIGKILL');
  if (config.seed === 98) process.exit(3);
  const skipping = config.seed === 77;
  if (skipping) onWarning('step 10: mask update scores are not finite; this update was skipped and the masks kept');
  if (config.seed === 76) await new Promise((resolve) => setTimeout(resolve, 1500));
  for (let epoch = 1; epoch <= 2; epoch++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    onProgress({ epoch, epochs: 2, step: epoch * 10, totalSteps: 20, loss: 1 / epoch, epochEnd: true });
    onLog({ type: 'epoch', epoch, step: epoch * 10 - 1, elapsedMs: epoch * 5, meanLoss: 1 / epoch, timeMs: 5, sparsity: 0.9, explorationRate: 0.1 });
  }
  return {
    testAccuracy: config.seed / 100,
    loss: { first: 1, final: 0.5, min: 0.5, perEpoch: [1, 0.5] },
    nonzeros: 10,
    totalWeights: 100,
    sparsity: 0.9,
    layers: [{ name: 'k', size: 100, active: 10, density: 0.1 }],
    flops: { inferencePerSample: 1, denseInferencePerSample: 10, inferenceRatio: 0.1, training: 3, denseTraining: 30, trainingRatio: 0.1 },
    explorationRate: 0.1,
    wallTimeMs: 10,
    trainingTimeMs: 8,
    steps: 20,
    backend: { name: 'none', details: 'fake worker' },
    versions: { pid: String(process.pid) },
    data: { dataset: 'none', plugins: plugins.map((plugin) => `${plugin.path} ${plugin.sha256}`) },
    health: {
      skippedSteps: 0,
      scheduledUpdates: 2,
      skippedUpdates: skipping ? 2 : 0,
      warnings: skipping ? [{ kind: 'non-finite-update', message: 'step 10: mask update scores are not finite', count: 2, firstStep: 10, lastStep: 20 }] : [],
    },
  };
});
