// Performance report (`pnpm bench:perf`): step-time ratio of RigL over dense, mask-update time against layer
// size, training throughput and mask-selection time per backend, and the PyTorch peer when python3-torch is
// installed. Every ratio is measured within one run, in interleaved blocks, because the machines are shared
// and noisy. `--sections sparse-engine` measures only the sparse engine's section (with its own PyTorch epoch)
// and replaces it in the report at --out.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dense, rigl, staticSparse } from '@topiary/algorithms';
import { buildModel, renderSvg, selectBackend, type BackendName, type ModelConfig } from '@topiary/bench';
import { MASK_SELECT_KERNEL, maskSelect, maskSelectOnHost } from '@topiary/core';
import { BATCH, disposeBatches, median, randomBatches, timeSteps, trainerFor, type Selection } from './perf-helpers.js';
import { epochRatios, sparseEngineReport, speedupPlotSpec } from './sparse-engine.js';
import { riglEpoch, wasmKernelReport } from './wasm-kernels.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'topiary-out/perf.json' },
    backends: { type: 'string', default: 'cpu,wasm,webgpu' },
    quick: { type: 'boolean', default: false },
    sections: { type: 'string', default: 'all' },
  },
});
if (args.sections !== 'all' && args.sections !== 'sparse-engine') {
  throw new Error(`--sections must be 'all' or 'sparse-engine', got ${JSON.stringify(args.sections)}`);
}
const quick = args.quick === true;
/** RigL (masked, updates every 100 steps included) over dense, LeNet-300-100, batch 100, interleaved blocks. */
async function stepRatio(backend: string): Promise<Record<string, unknown>> {
  const totalSteps = 100_000;
  const model = { kind: 'lenet-300-100' } as ModelConfig;
  const d = trainerFor(buildModel(model, 0), dense());
  const r = trainerFor(buildModel(model, 0), rigl({ sparsity: 0.9, totalSteps, updateEvery: 100 }));
  const batches = randomBatches(10, [784]);
  const block = quick ? 100 : 200;
  const rounds = quick ? 2 : 4;
  await timeSteps(d, batches, 20);
  await timeSteps(r, batches, 20);
  const denseMs: number[] = [];
  const riglMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    denseMs.push((await timeSteps(d, batches, block)) / block);
    riglMs.push((await timeSteps(r, batches, block)) / block);
  }
  const updates = Math.floor(r.stepCount / 100);
  [d, r].forEach((t) => {
    t.dispose();
    t.model.dispose();
    t.optimizer.dispose();
  });
  disposeBatches(batches);
  return {
    backend,
    model: 'lenet-300-100',
    batchSize: BATCH,
    sparsity: 0.9,
    updateEvery: 100,
    updatesTimed: updates,
    denseStepMs: median(denseMs),
    riglStepMs: median(riglMs),
    ratio: median(riglMs) / median(denseMs),
    goal: 1.05,
  };
}

/**
 * Time of one RigL mask update for one Dense layer of n weights: an update step minus a static step, per
 * selection mode, in interleaved repeats.
 */
async function maskUpdateTimes(sizes: number[], selections: Selection[] = ['auto']): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const units = 1000;
    const inputs = n / units;
    const build = (): tfl.LayersModel =>
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [inputs], units, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) })] });
    const x = tf.randomUniform([1, inputs], 0, 1, 'float32', 3);
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([1], 'int32'), units), 'float32'));
    const updating = selections.map((selection) => trainerFor(build(), rigl({ sparsity: 0.9, totalSteps: 1_000_000, updateEvery: 1, dropSchedule: 'constant' }), selection));
    const fixed = trainerFor(build(), staticSparse({ sparsity: 0.9, totalSteps: 1_000_000 }));
    const repeats = n >= 1e7 ? 3 : 5;
    for (const t of [...updating, fixed]) await timeSteps(t, [{ x, y }], 2);
    const withUpdate: number[][] = selections.map(() => []);
    const without: number[] = [];
    for (let i = 0; i < repeats; i++) {
      for (const [j, t] of updating.entries()) withUpdate[j]!.push(await timeSteps(t, [{ x, y }], 1));
      without.push(await timeSteps(fixed, [{ x, y }], 1));
    }
    const row: Record<string, unknown> = { weights: n, stepWithoutMs: median(without) };
    selections.forEach((selection, j) => {
      const suffix = selections.length === 1 ? '' : `_${selection}`;
      row[`updateMs${suffix}`] = Math.max(0, median(withUpdate[j]!) - median(without));
      row[`stepWithUpdateMs${suffix}`] = median(withUpdate[j]!);
    });
    rows.push(row);
    [...updating, fixed].forEach((t) => {
      t.dispose();
      t.model.dispose();
      t.optimizer.dispose();
    });
    tf.dispose([x, y]);
  }
  return rows;
}

/** Samples per second of dense and RigL training for LeNet-300-100 and LeNet-5 on one backend. */
async function throughput(backend: string): Promise<Record<string, unknown>[]> {
  const seconds = quick ? 1.5 : backend === 'webgpu' ? 4 : 3;
  const rows: Record<string, unknown>[] = [];
  for (const [name, config, shape] of [
    ['lenet-300-100', { kind: 'lenet-300-100' }, [784]],
    ['lenet-5', { kind: 'lenet-5', variant: 'same-28', activation: 'relu' }, [28, 28, 1]],
  ] as const) {
    const batches = randomBatches(4, [...shape]);
    const result: Record<string, unknown> = { backend, model: name, batchSize: BATCH };
    for (const [label, strategy] of [
      ['dense', dense()],
      ['rigl', rigl({ sparsity: 0.9, totalSteps: 100_000, updateEvery: 100 })],
    ] as const) {
      const trainer = trainerFor(buildModel(config as ModelConfig, 0), strategy);
      await timeSteps(trainer, batches, 2);
      let steps = 0;
      const start = performance.now();
      while (performance.now() - start < seconds * 1000 || steps < 3) {
        await timeSteps(trainer, batches, 1);
        steps++;
      }
      result[`${label}SamplesPerSecond`] = (steps * BATCH) / ((performance.now() - start) / 1000);
      trainer.dispose();
      trainer.model.dispose();
      trainer.optimizer.dispose();
    }
    result['riglOverDenseStepRatio'] = (result['denseSamplesPerSecond'] as number) / (result['riglSamplesPerSecond'] as number);
    rows.push(result);
    disposeBatches(batches);
  }
  return rows;
}

/** Waits until `t` is computed, through a one-value read (the same for every variant timed). */
async function settle(t: tf.Tensor): Promise<void> {
  const total = tf.sum(t);
  await total.data();
  total.dispose();
}

/**
 * One update's selection for a Dense layer of n weights at 90 % sparsity, drop fraction 0.3 (drop, then grow
 * into the result), three ways on one backend: the host path (read both score tensors, quickselect, upload the
 * new mask), the backend's mask-select kernel (scores stay on the device) and tfjs `topk` (the fallback without
 * a kernel, i.e. device selection before the kernels). Medians of interleaved repeats.
 */
async function maskSelectionTimes(backend: string, softwareAdapter: boolean): Promise<Record<string, unknown>[]> {
  const sizes = quick ? [1e5] : [1e5, 1e6];
  const rows: Record<string, unknown>[] = [];
  const kernel = tf.getKernel(MASK_SELECT_KERNEL, backend);
  for (const n of sizes) {
    const dropScores = tf.abs(tf.randomNormal([n], 0, 1, 'float32', 5));
    const growScores = tf.abs(tf.randomNormal([n], 0, 1, 'float32', 6));
    const mask = tf.tidy(() => tf.cast(tf.less(tf.randomUniform([n], 0, 1, 'float32', 7), 0.1), 'float32'));
    const hostMask = (await mask.data()) as Float32Array;
    const k = Math.round(0.3 * hostMask.reduce((a, b) => a + b, 0));
    const host = async (): Promise<void> => {
      const dropped = maskSelectOnHost((await dropScores.data()) as Float32Array, hostMask, k, 'drop');
      const next = tf.tensor1d(maskSelectOnHost((await growScores.data()) as Float32Array, dropped, k, 'grow'));
      await settle(next);
      next.dispose();
    };
    const onDevice = async (): Promise<void> => {
      const dropped = maskSelect(dropScores, mask, k, 'drop');
      const next = maskSelect(growScores, dropped, k, 'grow');
      await settle(next);
      tf.dispose([dropped, next]);
    };
    const withTopk = async (): Promise<void> => {
      if (kernel) tf.unregisterKernel(MASK_SELECT_KERNEL, backend);
      try {
        await onDevice();
      } finally {
        if (kernel) tf.registerKernel(kernel);
      }
    };
    // tfjs's bitonic topk takes ~20 s per call for 10⁶ weights on SwiftShader
    const topkSkipped = softwareAdapter && n > 1e5 ? 'skipped: tfjs topk takes tens of seconds per call here' : undefined;
    const repeats = n >= 1e6 ? 3 : 5;
    const times: Record<'host' | 'kernel' | 'topk', number[]> = { host: [], kernel: [], topk: [] };
    await host();
    await onDevice();
    if (!topkSkipped) await withTopk();
    for (let i = 0; i < repeats; i++) {
      for (const [label, run] of [['host', host], ['kernel', onDevice], ['topk', withTopk]] as const) {
        if (label === 'topk' && topkSkipped) continue;
        const start = performance.now();
        await run();
        times[label].push(performance.now() - start);
      }
    }
    tf.dispose([dropScores, growScores, mask]);
    rows.push({
      backend,
      weights: n,
      selected: k,
      hostMs: median(times.host),
      kernelMs: kernel ? median(times.kernel) : null,
      topkMs: topkSkipped ? null : median(times.topk),
      ...(topkSkipped ? { topkNote: topkSkipped } : {}),
      kernel: kernel ? (backend === 'webgpu' ? 'WGSL radix select' : 'host quickselect as a kernel') : 'none registered (maskSelect used topk)',
    });
  }
  return rows;
}

/** Runs the PyTorch peer script when torch can be imported; otherwise says why not. */
function pytorchPeer(): Record<string, unknown> {
  const script = resolve(dirname(fileURLToPath(import.meta.url)), 'pytorch_lenet300.py');
  // Debian's python3-torch installs for the system interpreter, which may not be the first python3 on PATH
  const python = ['python3', '/usr/bin/python3'].find((candidate) => {
    try {
      execFileSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) return { available: false, reason: 'python3-torch is not installed (optional: apt-get install python3-torch libopenblas0-pthread)' };
  const out = execFileSync(python, [script, '--steps', quick ? '100' : '300'], { encoding: 'utf8' });
  return { available: true, interpreter: python, ...(JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>) };
}

/** The machine a report (or its sparse-engine section) was measured on. */
const machine = (): Record<string, unknown> => ({ cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version });

/** The `sparseEngine` section with its own date, machine and PyTorch epoch, so that its ratios come from one run. */
function sparseEngineSection(backend: string, sparseEngine: Record<string, unknown>, peer: { available: boolean; secondsPerEpoch?: number; threads?: number }): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    machine: machine(),
    backend,
    ...sparseEngine,
    pytorchSecondsPerEpoch: peer.available ? peer.secondsPerEpoch : null,
    pytorchThreads: peer.available ? peer.threads : null,
    epochRatioToPytorch: epochRatios(sparseEngine['epochSeconds'] as Record<string, number>, peer.available ? peer.secondsPerEpoch : undefined),
  };
}

/** Writes the report and the sparse engine's speedup plot beside it. */
async function writeReport(report: Record<string, unknown>, backend: string): Promise<void> {
  const out = resolve(args.out!);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  const plot = resolve(dirname(out), 'sparse-engine-speedup.svg');
  const section = report['sparseEngine'] as Record<string, unknown>;
  writeFileSync(plot, await renderSvg(speedupPlotSpec(section['stepSpeedupOverMasked'] as Record<string, unknown>[], backend)));
  console.log(`wrote ${out} and ${plot}`);
}

/** `--sections sparse-engine`: measures only the sparse engine (and the PyTorch peer for its ratios) and replaces that section of the report at --out. */
async function sparseEngineOnly(): Promise<void> {
  const chosen = await selectBackend('auto' as BackendName);
  const sparseEngine = await sparseEngineReport(quick);
  const peer = pytorchPeer() as { available: boolean; secondsPerEpoch?: number; threads?: number };
  const out = resolve(args.out!);
  const report = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  report['sparseEngine'] = sparseEngineSection(chosen.name, sparseEngine, peer);
  await writeReport(report, chosen.name);
}

async function main(): Promise<void> {
  if (args.sections === 'sparse-engine') return sparseEngineOnly();
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: machine(),
    quick,
  };
  const chosen = await selectBackend('auto' as BackendName);
  report['defaultBackend'] = chosen;
  console.log(`default backend: ${chosen.name} (${chosen.reason})`);
  report['stepRatio'] = await stepRatio(chosen.name);
  console.log('step ratio', report['stepRatio']);
  if (chosen.name === 'wasm') {
    report['wasmKernels'] = await wasmKernelReport(quick);
    console.log('wasm kernels', report['wasmKernels']);
  }
  const epoch = await riglEpoch(quick);
  console.log('epoch', epoch);
  const sparseEngine = await sparseEngineReport(quick);
  const updateRows = await maskUpdateTimes(quick ? [1e4, 1e5, 1e6] : [1e4, 1e5, 1e6, 1e7]);
  updateRows.forEach((row, i) => {
    if (i > 0) row['growthPer10x'] = (row['updateMs'] as number) / (updateRows[i - 1]!['updateMs'] as number);
  });
  report['maskUpdate'] = { backend: chosen.name, rows: updateRows };
  console.log('mask update', report['maskUpdate']);
  const perBackend: Record<string, unknown> = {};
  for (const name of args.backends!.split(',').map((s) => s.trim()) as BackendName[]) {
    try {
      const started = await selectBackend(name);
      const software = started.details.includes('fallback (software) adapter');
      perBackend[name] = { details: started.details, reason: started.reason, rows: await throughput(started.name),
        maskSelection: await maskSelectionTimes(started.name, software),
        updateBySelection: await maskUpdateTimes(quick ? [1e5] : [1e5, 1e6], ['host', 'device']),
      };
    } catch (error) {
      perBackend[name] = { error: (error as Error).message.split('\n')[0] };
    }
    console.log(name, perBackend[name]);
  }
  report['throughput'] = perBackend;
  report['pytorch'] = pytorchPeer();
  const peer = report['pytorch'] as { available: boolean; secondsPerEpoch?: number; threads?: number };
  report['epoch'] = {
    backend: chosen.name,
    topiaryRiglSecondsPerEpoch: epoch.riglSeconds,
    topiaryDenseSecondsPerEpoch: epoch.denseSeconds,
    pytorchDenseSecondsPerEpoch: peer.available ? peer.secondsPerEpoch : null,
    pytorchThreads: peer.available ? peer.threads : null,
    ratioToPytorch: peer.available && peer.secondsPerEpoch ? epoch.riglSeconds / peer.secondsPerEpoch : null,
    goal: 3,
    stretchGoal: 2,
  };
  report['sparseEngine'] = sparseEngineSection(chosen.name, sparseEngine, peer);
  await writeReport(report, chosen.name);
}

await main();
