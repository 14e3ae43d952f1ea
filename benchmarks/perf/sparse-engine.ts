// The sparse engine's part of the performance report (perf.ts): its RigL epoch of LeNet-300-100 at 0.95 and 0.98,
// its step time against the masked engine's over sparsity (and the crossover), bytes per nonzero, and peak memory at
// 10⁶–10⁸ nonzeros (each size in a fresh process: sparse-engine-memory.ts).
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { rigl } from '@topiary/algorithms';
import { buildModel, type ModelConfig, type renderSvg } from '@topiary/bench';
import { SPARSE_ENGINE_CROSSOVER, SparseEngineTrainer, sparseProducts } from '@topiary/sparse';
import { disposeBatches, median, randomBatches, trainerFor, type Batch } from './perf-helpers.js';

const LENET = { kind: 'lenet-300-100' } as ModelConfig;

/** A trainer either engine can be: what the timing loop calls. */
interface Stepper {
  step(x: tf.Tensor, y: tf.Tensor): Promise<unknown>;
  dispose(): void;
}

/** Sparse-engine RigL (ERK, ΔT 100) on LeNet-300-100 at `sparsity`, momentum SGD, the default products (WASM SIMD), the step on `step` (default: fused). */
async function sparseRigl(sparsity: number, step: 'auto' | 'fused' | 'graph' = 'auto'): Promise<{ trainer: SparseEngineTrainer; release: () => void }> {
  const model = buildModel(LENET, 0);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const trainer = new SparseEngineTrainer(model, { strategy: rigl({ sparsity, totalSteps: 100_000, updateEvery: 100 }), optimizer, loss: 'categoricalCrossentropy', products: await sparseProducts(), step });
  await trainer.initialize();
  return { trainer, release: () => { trainer.dispose(); optimizer.dispose(); model.dispose(); } };
}

/** Masked-engine RigL at `sparsity` with the same protocol. */
function maskedRigl(sparsity: number): { trainer: Stepper; release: () => void } {
  const trainer = trainerFor(buildModel(LENET, 0), rigl({ sparsity, totalSteps: 100_000, updateEvery: 100 }));
  return { trainer, release: () => { trainer.dispose(); trainer.model.dispose(); trainer.optimizer.dispose(); } };
}

async function timeSteps(trainer: Stepper, batches: Batch[], steps: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < steps; i++) await trainer.step(batches[i % batches.length]!.x, batches[i % batches.length]!.y);
  return performance.now() - start;
}

/** Median ms per step of `a` and of `b` over `rounds` blocks of 100 steps, interleaved, after 101 warm-up steps each. */
async function interleavedStepMs(a: Stepper, b: Stepper, batches: Batch[], rounds: number): Promise<[number, number]> {
  await timeSteps(a, batches, 101);
  await timeSteps(b, batches, 101);
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    times[0].push((await timeSteps(a, batches, 100)) / 100);
    times[1].push((await timeSteps(b, batches, 100)) / 100);
  }
  return [median(times[0]), median(times[1])];
}

/** The sparsity at which speedup crosses 1, by linear interpolation between measured rows; undefined when it never does. */
function crossover(rows: readonly { sparsity: number; speedup: number }[]): number | undefined {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    if (a.speedup < 1 && b.speedup >= 1) return a.sparsity + ((1 - a.speedup) / (b.speedup - a.speedup)) * (b.sparsity - a.sparsity);
  }
  return rows.length > 0 && rows[0]!.speedup >= 1 ? undefined : Number.NaN;
}

/**
 * Seconds of one 600-step epoch (batch 100, six mask updates) of sparse-engine RigL at each sparsity, as the masked
 * epoch in wasm-kernels.ts is measured: 101 warm-up steps, then the faster of two epochs.
 */
async function epochs(quick: boolean): Promise<{ seconds: Record<string, number>; stepPath: string }> {
  const batches = randomBatches(10, [784]);
  const steps = quick ? 200 : 600;
  const out: Record<string, number> = {};
  let stepPath = '';
  for (const sparsity of [0.95, 0.98]) {
    const { trainer, release } = await sparseRigl(sparsity);
    stepPath = trainer.stepPath;
    await timeSteps(trainer, batches, 101);
    let best = Infinity;
    for (let round = 0; round < 2; round++) best = Math.min(best, ((await timeSteps(trainer, batches, steps)) / 1000) * (600 / steps));
    out[String(sparsity)] = best;
    release();
  }
  disposeBatches(batches);
  return { seconds: out, stepPath };
}

/** Step time of both engines per sparsity: blocks of 100 steps (one mask update each), interleaved, medians. */
async function stepSpeedups(quick: boolean): Promise<{ rows: Record<string, unknown>[]; crossoverSparsity: number | null }> {
  const sparsities = quick ? [0.5, 0.9, 0.98] : [0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999];
  const batches = randomBatches(10, [784]);
  const rounds = quick ? 2 : 3;
  const rows: { sparsity: number; maskedStepMs: number; sparseStepMs: number; speedup: number }[] = [];
  for (const sparsity of sparsities) {
    const masked = maskedRigl(sparsity);
    const sparse = await sparseRigl(sparsity);
    const [maskedStepMs, sparseStepMs] = await interleavedStepMs(masked.trainer, sparse.trainer, batches, rounds);
    masked.release();
    sparse.release();
    const row = { sparsity, maskedStepMs, sparseStepMs, speedup: maskedStepMs / sparseStepMs };
    rows.push(row);
    console.log('sparse engine step', row);
  }
  disposeBatches(batches);
  const cross = crossover(rows);
  return { rows, crossoverSparsity: cross === undefined || Number.isNaN(cross) ? null : cross };
}

/**
 * Step time of the fused step (host loops) against the graph step (tfjs ops) of the same RigL run at 0.95 and 0.98:
 * blocks of 100 steps (one mask update each), interleaved, medians; the fused epoch is 600 of its steps.
 */
async function stepPaths(quick: boolean): Promise<Record<string, unknown>[]> {
  const batches = randomBatches(10, [784]);
  const rounds = quick ? 2 : 5;
  const rows: Record<string, unknown>[] = [];
  for (const sparsity of [0.95, 0.98]) {
    const graph = await sparseRigl(sparsity, 'graph');
    const fused = await sparseRigl(sparsity, 'fused');
    const [graphStepMs, fusedStepMs] = await interleavedStepMs(graph.trainer, fused.trainer, batches, rounds);
    graph.release();
    fused.release();
    const row = { sparsity, graphStepMs, fusedStepMs, speedup: graphStepMs / fusedStepMs, fusedEpochSecondsEstimate: (fusedStepMs * 600) / 1000 };
    rows.push(row);
    console.log('sparse engine step paths', row);
  }
  disposeBatches(batches);
  return rows;
}

/** Bytes the engine holds per nonzero for LeNet-300-100 RigL at 0.98 with momentum SGD: values, column indices, row pointers and the momentum slots. */
async function bytesPerNonzero(): Promise<Record<string, number>> {
  const batches = randomBatches(2, [784]);
  const { trainer, release } = await sparseRigl(0.98);
  await timeSteps(trainer, batches, 2);
  let structure = 0;
  let nnz = 0;
  for (const layer of trainer.layers) {
    structure += layer.kernelBytes;
    nnz += layer.nnz;
  }
  const slots = await trainer.optimizer.getWeights();
  let state = 0;
  for (const { name, tensor } of slots) if (trainer.layers.some((l) => name.startsWith(`${l.values.name}/`))) state += tensor.size * 4;
  tf.dispose(slots.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  release();
  disposeBatches(batches);
  return { nonzeros: nnz, structureBytes: structure, momentumBytes: state, bytesPerNonzero: (structure + state) / nnz, goal: 16 };
}

/** Peak memory of a fresh process that builds and trains a network of `nonzeros` nonzeros (sparse-engine-memory.ts). */
function memoryAt(nonzeros: number): Record<string, unknown> {
  const script = resolve(dirname(fileURLToPath(import.meta.url)), 'sparse-engine-memory.ts');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@topiary/source', '--max-old-space-size=16384', script, String(nonzeros)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

/** The sparse engine's report; `pytorchSecondsPerEpoch` (the peer's, from the same run) gives the epoch ratios. */
export async function sparseEngineReport(quick: boolean): Promise<Record<string, unknown>> {
  const { seconds: epochSeconds, stepPath } = await epochs(quick);
  console.log('sparse engine epochs', epochSeconds);
  const paths = await stepPaths(quick);
  const steps = await stepSpeedups(quick);
  const bytes = await bytesPerNonzero();
  console.log('sparse engine bytes', bytes);
  const sizes = quick ? [1e6, 1e7] : [1e6, 1e7, 1e8];
  const memory = sizes.map((n) => {
    const row = memoryAt(n);
    console.log('sparse engine memory', row);
    return row;
  });
  const first = memory[0] as { peakRssBytes: number; nonzeros: number };
  const products = await sparseProducts();
  return {
    products: products.implementation,
    productThreads: products.threads,
    epochSeconds,
    stepPath,
    fusedOverGraphStep: paths,
    stepSpeedupOverMasked: steps.rows,
    crossoverSparsity: steps.crossoverSparsity,
    // the crossover `engine: 'auto'` uses, beside the one just measured
    autoEngineCrossover: SPARSE_ENGINE_CROSSOVER,
    bytesPerNonzero: bytes,
    memory: memory.map((row) => ({ ...row, peakRssOverSmallest: (row as { peakRssBytes: number }).peakRssBytes / first.peakRssBytes })),
  };
}

/** The epoch ratios to the PyTorch dense epoch measured in the same run. */
export function epochRatios(epochSeconds: Record<string, number>, pytorchSecondsPerEpoch: number | undefined): Record<string, unknown> {
  const ratio = (s: string): number | null => (pytorchSecondsPerEpoch ? epochSeconds[s]! / pytorchSecondsPerEpoch : null);
  return { '0.95': ratio('0.95'), '0.98': ratio('0.98'), goals: { '0.95': 1, '0.98': 0.5 } };
}

/** Vega-Lite spec of the sparse engine's step speedup over the masked engine against sparsity (log scale, a rule at 1). */
export function speedupPlotSpec(rows: readonly Record<string, unknown>[], backend: string): Parameters<typeof renderSvg>[0] {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `Sparse over masked engine: RigL step time, LeNet-300-100, batch 100 (${backend})`,
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: rows.map((r) => ({ sparsity: r['sparsity'], speedup: r['speedup'] })) },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'sparsity', type: 'quantitative', title: 'sparsity', scale: { domain: [0.5, 1] } },
          y: { field: 'speedup', type: 'quantitative', title: 'speedup (masked ms / sparse ms)', scale: { type: 'log' } },
        },
      },
      { data: { values: [{ y: 1 }] }, mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  };
}
