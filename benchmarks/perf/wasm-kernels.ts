// The WASM kernels' rows of the performance report: Topiary's kernels against tfjs-backend-wasm's own on the
// training step (LeNet-300-100 and LeNet-5), thread scaling, and GFLOP/s per product shape. Every ratio comes
// from interleaved blocks in one process, switching kernels with setWasmMatMulKernels.
import * as tf from '@tensorflow/tfjs-core';
import { dense, rigl } from '@topiary/algorithms';
import { setWasmMatMulKernels, wasmMatMulKernelsInfo } from '@topiary/backend-wasm';
import { buildModel, type ModelConfig } from '@topiary/bench';
import type { SparseTrainer } from '@topiary/core';
import { disposeBatches, median, randomBatches, timeSteps, trainerFor, type Batch } from './perf-helpers.js';

type Variant = { kernels: 'topiary' | 'tfjs'; threads: number };

/** Median milliseconds per step of each variant, from `rounds` interleaved blocks of `block` steps. */
async function interleavedSteps(trainer: SparseTrainer, batches: Batch[], variants: Record<string, Variant>, block: number, rounds: number): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (const variant of Object.values(variants)) {
    setWasmMatMulKernels(variant);
    await timeSteps(trainer, batches, Math.max(3, block / 5));
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, variant] of Object.entries(variants)) {
      setWasmMatMulKernels(variant);
      times[name]!.push((await timeSteps(trainer, batches, block)) / block);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

function release(trainer: SparseTrainer): void {
  trainer.dispose();
  trainer.model.dispose();
  trainer.optimizer.dispose();
}

/** Milliseconds per call of `run` (wasm runs kernels when they are called), best of three timed loops. */
function timeKernel(run: () => tf.Tensor, macs: number): number {
  const reps = Math.max(5, Math.min(2000, Math.round(4e8 / macs)));
  for (let i = 0; i < 3; i++) run().dispose();
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    for (let i = 0; i < reps; i++) run().dispose();
    best = Math.min(best, (performance.now() - start) / reps);
  }
  return best;
}

/** The products of a LeNet-300-100 step (the same list as the PyTorch peer) and LeNet-5's convolution gradients. */
function kernelShapes(): { name: string; macs: number; run: () => tf.Tensor; dispose: () => void }[] {
  const products: [string, number, number, number, boolean, boolean][] = [
    ['fc1 forward x·W', 100, 300, 784, false, false],
    ['fc1 dW = xᵀ·dY', 784, 300, 100, true, false],
    ['fc2 forward x·W', 100, 100, 300, false, false],
    ['fc2 dW = xᵀ·dY', 300, 100, 100, true, false],
    ['fc2 dX = dY·Wᵀ', 100, 300, 100, false, true],
  ];
  const rows = products.map(([name, m, n, k, ta, tb]) => {
    const a = tf.randomNormal(ta ? [k, m] : [m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal(tb ? [n, k] : [k, n], 0, 1, 'float32', 2);
    return { name, macs: m * n * k, run: () => tf.matMul(a, b, ta, tb), dispose: () => tf.dispose([a, b]) };
  });
  const convs: [string, [number, number, number, number], [number, number, number, number], 'same' | 'valid'][] = [
    ['conv1 dW (LeNet-5)', [100, 28, 28, 1], [5, 5, 1, 6], 'same'],
    ['conv2 dW (LeNet-5)', [100, 14, 14, 6], [5, 5, 6, 16], 'valid'],
  ];
  for (const [name, xShape, filter, pad] of convs) {
    const info = tf.backend_util.computeConv2DInfo(xShape, filter, 1, 1, pad);
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 3);
    const dy = tf.randomNormal(info.outShape, 0, 1, 'float32', 4);
    const w = tf.randomNormal(filter, 0, 1, 'float32', 5);
    const macs = info.batchSize * info.outHeight * info.outWidth * filter.reduce((p, d) => p * d, 1);
    const attrs = { strides: [1, 1], pad, dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap;
    rows.push({ name, macs, run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: filter }) as tf.Tensor, dispose: () => undefined });
    rows.push({
      name: name.replace('dW', 'dX'),
      macs,
      run: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape }) as tf.Tensor,
      dispose: () => tf.dispose([x, dy, w]),
    });
  }
  return rows;
}

/**
 * `wasmKernels`: step speedups over tfjs-backend-wasm's kernels (LeNet-300-100 and LeNet-5, dense, batch 100),
 * thread scaling of the LeNet-300-100 step, and GFLOP/s per product for tfjs's kernels and Topiary's on one and
 * on every thread. Needs the wasm backend started by `wasm().setup()`.
 */
export async function wasmKernelReport(quick: boolean): Promise<Record<string, unknown>> {
  const info = wasmMatMulKernelsInfo();
  if (info === undefined) return { available: false, reason: "Topiary's WASM kernels did not start" };
  const all = info.threads;
  const rounds = quick ? 3 : 5;
  const mlpBatches = randomBatches(10, [784]);
  const mlp = trainerFor(buildModel({ kind: 'lenet-300-100' } as ModelConfig, 0), dense());
  const step = await interleavedSteps(mlp, mlpBatches, { tfjs: { kernels: 'tfjs', threads: all }, topiary: { kernels: 'topiary', threads: all }, oneThread: { kernels: 'topiary', threads: 1 } }, quick ? 30 : 60, rounds);
  release(mlp);
  disposeBatches(mlpBatches);
  const convBatches = randomBatches(4, [28, 28, 1]);
  const lenet5 = trainerFor(buildModel({ kind: 'lenet-5', variant: 'same-28', activation: 'relu' } as ModelConfig, 0), dense());
  const convStep = await interleavedSteps(lenet5, convBatches, { tfjs: { kernels: 'tfjs', threads: all }, topiary: { kernels: 'topiary', threads: all } }, quick ? 5 : 10, rounds);
  release(lenet5);
  disposeBatches(convBatches);

  const kernels: Record<string, unknown>[] = [];
  for (const shape of kernelShapes()) {
    const gflops = (variant: Variant): number => {
      setWasmMatMulKernels(variant);
      return (2 * shape.macs) / timeKernel(shape.run, shape.macs) / 1e6;
    };
    kernels.push({
      name: shape.name,
      macs: shape.macs,
      tfjsGflops: gflops({ kernels: 'tfjs', threads: all }),
      topiaryOneThreadGflops: gflops({ kernels: 'topiary', threads: 1 }),
      topiaryGflops: gflops({ kernels: 'topiary', threads: all }),
    });
    shape.dispose();
  }
  setWasmMatMulKernels({ kernels: 'topiary', threads: all });
  return {
    available: true,
    threads: all,
    threadNote: info.threadNote ?? null,
    lenet300StepMs: step,
    stepSpeedup: step['tfjs']! / step['topiary']!,
    stepSpeedupGoal: 4,
    threadScaling: step['topiary']! / step['oneThread']!,
    threadScalingGoal: 0.6,
    lenet5StepMs: convStep,
    lenet5StepSpeedup: convStep['tfjs']! / convStep['topiary']!,
    lenet5StepSpeedupGoal: 2,
    kernels,
  };
}

/**
 * Seconds of one 600-step (60k-sample) epoch of RigL (sparsity 0.9, ΔT 100: six mask updates) and of dense
 * training, on the active backend. Each trainer first runs 101 steps (its first mask update included) so that
 * neither is timed while the JIT compiles its code; the two epochs then alternate twice and the faster of each
 * counts.
 */
export async function riglEpoch(quick: boolean): Promise<{ riglSeconds: number; denseSeconds: number }> {
  const batches = randomBatches(10, [784]);
  const steps = quick ? 200 : 600;
  const trainers = [
    trainerFor(buildModel({ kind: 'lenet-300-100' } as ModelConfig, 0), rigl({ sparsity: 0.9, totalSteps: 100_000, updateEvery: 100 })),
    trainerFor(buildModel({ kind: 'lenet-300-100' } as ModelConfig, 0), dense()),
  ];
  for (const trainer of trainers) await timeSteps(trainer, batches, 101);
  const best = [Infinity, Infinity];
  for (let round = 0; round < 2; round++) {
    for (const [i, trainer] of trainers.entries()) {
      // step 101 + k·600 onwards: the timed steps hold exactly six update steps (multiples of 100)
      best[i] = Math.min(best[i]!, ((await timeSteps(trainer, batches, steps)) / 1000) * (600 / steps));
    }
  }
  trainers.forEach(release);
  disposeBatches(batches);
  return { riglSeconds: best[0]!, denseSeconds: best[1]! };
}
