// The truly sparse products of @topiary/sparse (forward Y = X·W, input gradient dX = dY·Wᵀ, sampled gradient
// dW = Xᵀ·dY at the nonzeros) against the same three products done densely by tfjs: on the wasm backend of
// @topiary/backend-wasm (Topiary's SIMD matmul kernels, one thread, as the sparse products here: `threads: 1`) and on tfjs's
// cpu backend. LeNet-300-100's layers and a 4096 × 4096 layer, batch 100, sparsities 0.5 … 0.999. For each layer
// every variant runs in interleaved blocks in one process (the machines are shared and noisy); the medians, the
// ratios between them, the crossover sparsity and the bytes per nonzero go to the JSON and a markdown table.
// Run: node --import tsx --conditions=@topiary/source benchmarks/perf/sparse-kernels.ts [--out file] [--quick]
import { Rng } from '@topiary/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmMatMulKernels, wasm, wasmMatMulKernelsInfo } from '@topiary/backend-wasm';
import { randomSparseKernel, SparseKernel, sparseProducts, type SparseProducts } from '@topiary/sparse';
import { BATCH, median } from './perf-helpers.js';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: 'topiary-out/sparse-kernels.json' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = args.quick === true;
const LAYERS: readonly (readonly [number, number])[] = [[784, 300], [300, 100], [100, 10], [4096, 4096]];
// 0.5 as well, so that the crossover with dense lies between measured points
const SPARSITIES = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999];
const ROUNDS = quick ? 3 : 5;
/** Milliseconds a block of calls should last (a single call when one takes longer). */
const BLOCK_MS = quick ? 40 : 120;
const PRODUCTS = ['forward', 'backwardInput', 'sampledGradient'] as const;
type Product = (typeof PRODUCTS)[number];

/** One way of doing a layer's three products; `run` returns the milliseconds of each. */
interface Variant {
  readonly name: string;
  readonly backend?: 'wasm' | 'cpu';
  readonly run: () => Record<Product, number>;
  readonly dispose?: () => void;
}

function seeded(seed: number): () => number {
  const rng = Rng.fromSeed(seed);
  return () => rng.float();
}

/** The three sparse products, writing into arrays made once (`out`), as an engine writes into tensor memory. */
function sparseVariant(name: string, products: SparseProducts, kernel: SparseKernel, x: Float32Array, dy: Float32Array): Variant {
  const y = new Float32Array(BATCH * kernel.outputs);
  const dx = new Float32Array(BATCH * kernel.inputs);
  const dw = new Float32Array(kernel.nnz);
  return {
    name,
    run: () => {
      const t0 = performance.now();
      products.forward(kernel, x, BATCH, y);
      const t1 = performance.now();
      products.backwardInput(kernel, dy, BATCH, dx);
      const t2 = performance.now();
      products.sampledGradient(kernel, x, dy, BATCH, dw);
      const t3 = performance.now();
      return { forward: t1 - t0, backwardInput: t2 - t1, sampledGradient: t3 - t2 };
    },
  };
}

/** The three products with tf.matMul on `backend` (both run kernels synchronously, so the clock sees the work). */
async function denseVariant(name: string, backend: 'wasm' | 'cpu', inputs: number, outputs: number, seed: number): Promise<Variant> {
  await tf.setBackend(backend);
  const w = tf.randomUniform([inputs, outputs], -0.5, 0.5, 'float32', seed);
  const x = tf.randomUniform([BATCH, inputs], -0.5, 0.5, 'float32', seed + 1);
  const dy = tf.randomUniform([BATCH, outputs], -0.5, 0.5, 'float32', seed + 2);
  const timed = (product: () => tf.Tensor): number => {
    const start = performance.now();
    product().dispose();
    return performance.now() - start;
  };
  return {
    name,
    backend,
    run: () => ({
      forward: timed(() => tf.matMul(x, w)),
      backwardInput: timed(() => tf.matMul(dy, w, false, true)),
      sampledGradient: timed(() => tf.matMul(x, dy, true, false)),
    }),
    dispose: () => tf.dispose([w, x, dy]),
  };
}

const total = (t: Record<Product, number>): number => t.forward + t.backwardInput + t.sampledGradient;

/** Median milliseconds per step (and per product) of each variant, from ROUNDS interleaved blocks. */
async function interleaved(variants: readonly Variant[]): Promise<Map<string, { step: number } & Record<Product, number>>> {
  const calls = new Map<string, number>();
  for (const variant of variants) {
    if (variant.backend) await tf.setBackend(variant.backend);
    // warm up: at least 3 calls or about one block, then as many calls per block as fill BLOCK_MS
    let spent = 0;
    let n = 0;
    while (n < 3 || (spent < BLOCK_MS && n < 200)) {
      spent += total(variant.run());
      n++;
    }
    calls.set(variant.name, Math.max(1, Math.min(2000, Math.round((BLOCK_MS * n) / spent))));
  }
  const samples = new Map<string, Record<Product, number>[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) {
      if (variant.backend) await tf.setBackend(variant.backend);
      const count = calls.get(variant.name)!;
      const sum = { forward: 0, backwardInput: 0, sampledGradient: 0 };
      for (let i = 0; i < count; i++) {
        const t = variant.run();
        for (const product of PRODUCTS) sum[product] += t[product];
      }
      samples.get(variant.name)!.push({ forward: sum.forward / count, backwardInput: sum.backwardInput / count, sampledGradient: sum.sampledGradient / count });
    }
  }
  return new Map(
    [...samples].map(([name, list]) => {
      const per = Object.fromEntries(PRODUCTS.map((p) => [p, median(list.map((t) => t[p]))])) as Record<Product, number>;
      return [name, { step: median(list.map(total)), ...per }];
    }),
  );
}

/**
 * The sparsity from which `sparse` (ms per step at each sparsity) beats `dense` (ms per step): a least-squares
 * line of sparse time against density over the measured points, solved for the dense time; null when the line
 * never meets it within density (0, 1].
 */
function crossover(points: readonly { sparsity: number; ms: number }[], dense: number): number | null {
  const xs = points.map((p) => 1 - p.sparsity);
  const ys = points.map((p) => p.ms);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const intercept = my - slope * mx;
  if (!(slope > 0) || intercept >= dense) return null;
  const density = (dense - intercept) / slope;
  return density >= 1 ? 0 : 1 - density;
}

const info = await wasm({ kernelThreads: 1 }).setup();
setWasmMatMulKernels({ kernels: 'topiary', threads: 1 });
const kernelsInfo = wasmMatMulKernelsInfo();
const tsProducts = await sparseProducts({ implementation: 'typescript' });
const wasmProducts = await sparseProducts({ implementation: 'wasm', threads: 1 });
console.log(`dense wasm: ${info.details}`);

const rows: Record<string, unknown>[] = [];
const layers: Record<string, unknown>[] = [];
for (const [inputs, outputs] of LAYERS) {
  const started = performance.now();
  const random = seeded(inputs * 7919 + outputs);
  const x = Float32Array.from({ length: BATCH * inputs }, () => random() - 0.5);
  const dy = Float32Array.from({ length: BATCH * outputs }, () => random() - 0.5);
  const kernels = SPARSITIES.map((sparsity) => randomSparseKernel(inputs, outputs, sparsity, random));
  const variants: Variant[] = [await denseVariant('dense wasm', 'wasm', inputs, outputs, 11), await denseVariant('dense cpu', 'cpu', inputs, outputs, 11)];
  kernels.forEach((kernel, i) => {
    variants.push(sparseVariant(`sparse ts ${SPARSITIES[i]}`, tsProducts, kernel, x, dy));
    variants.push(sparseVariant(`sparse wasm ${SPARSITIES[i]}`, wasmProducts, kernel, x, dy));
  });
  const ms = await interleaved(variants);
  variants.forEach((v) => v.dispose?.());
  const denseWasm = ms.get('dense wasm')!;
  const denseCpu = ms.get('dense cpu')!;
  const layerRows = kernels.map((kernel, i) => {
    const sparsity = SPARSITIES[i]!;
    const ts = ms.get(`sparse ts ${sparsity}`)!;
    const wasmMs = ms.get(`sparse wasm ${sparsity}`)!;
    return {
      layer: `${inputs}x${outputs}`,
      inputs,
      outputs,
      batch: BATCH,
      sparsity,
      nnz: kernel.nnz,
      sparseBytes: kernel.bytes,
      bytesPerNonzero: kernel.bytes / Math.max(1, kernel.nnz),
      denseKernelBytes: 4 * inputs * outputs,
      ms: { sparseTs: ts.step, sparseWasm: wasmMs.step, denseWasm: denseWasm.step, denseCpu: denseCpu.step },
      products: { sparseTs: ts, sparseWasm: wasmMs, denseWasm, denseCpu },
      speedup: {
        sparseWasmOverDenseWasm: denseWasm.step / wasmMs.step,
        sparseTsOverDenseWasm: denseWasm.step / ts.step,
        sparseWasmOverDenseCpu: denseCpu.step / wasmMs.step,
        sparseTsOverDenseCpu: denseCpu.step / ts.step,
        sparseWasmOverSparseTs: ts.step / wasmMs.step,
      },
    };
  });
  const points = (key: 'sparseTs' | 'sparseWasm') => layerRows.map((r) => ({ sparsity: r.sparsity, ms: r.ms[key] }));
  const firstFaster = (key: 'sparseTs' | 'sparseWasm', dense: number) => layerRows.find((r) => r.ms[key] < dense)?.sparsity ?? null;
  const layer = {
    layer: `${inputs}x${outputs}`,
    denseWasmMs: denseWasm.step,
    denseCpuMs: denseCpu.step,
    crossover: {
      sparseWasmVsDenseWasm: { fitted: crossover(points('sparseWasm'), denseWasm.step), firstMeasured: firstFaster('sparseWasm', denseWasm.step) },
      sparseTsVsDenseWasm: { fitted: crossover(points('sparseTs'), denseWasm.step), firstMeasured: firstFaster('sparseTs', denseWasm.step) },
      sparseTsVsDenseCpu: { fitted: crossover(points('sparseTs'), denseCpu.step), firstMeasured: firstFaster('sparseTs', denseCpu.step) },
    },
    seconds: (performance.now() - started) / 1000,
  };
  rows.push(...layerRows);
  layers.push(layer);
  console.log(JSON.stringify(layer));
}

const f = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const crossText = (c: { fitted: number | null }): string => (c.fitted === null ? 'none' : c.fitted === 0 ? 'any' : c.fitted.toFixed(2));
const table = [
  '| layer | sparsity | nnz | B/nnz | sparse TS ms | sparse WASM ms | dense wasm ms | dense cpu ms | WASM vs dense wasm | TS vs dense cpu | WASM vs TS |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => {
    const row = r as { layer: string; sparsity: number; nnz: number; bytesPerNonzero: number; ms: Record<string, number>; speedup: Record<string, number> };
    return `| ${row.layer} | ${row.sparsity} | ${row.nnz} | ${row.bytesPerNonzero.toFixed(2)} | ${f(row.ms['sparseTs']!)} | ${f(row.ms['sparseWasm']!)} | ${f(row.ms['denseWasm']!)} | ${f(row.ms['denseCpu']!)} | ${row.speedup['sparseWasmOverDenseWasm']!.toFixed(2)}× | ${row.speedup['sparseTsOverDenseCpu']!.toFixed(1)}× | ${row.speedup['sparseWasmOverSparseTs']!.toFixed(1)}× |`;
  }),
  '',
  '| layer | crossover sparsity: sparse WASM = dense wasm | sparse TS = dense wasm | sparse TS = dense cpu |',
  '| --- | --- | --- | --- |',
  ...layers.map((l) => {
    const c = (l as { crossover: Record<string, { fitted: number | null }> }).crossover;
    return `| ${(l as { layer: string }).layer} | ${crossText(c['sparseWasmVsDenseWasm']!)} | ${crossText(c['sparseTsVsDenseWasm']!)} | ${crossText(c['sparseTsVsDenseCpu']!)} |`;
  }),
].join('\n');
const report = {
  command: 'node --import tsx --conditions=@topiary/source benchmarks/perf/sparse-kernels.ts',
  quick,
  batch: BATCH,
  rounds: ROUNDS,
  blockMs: BLOCK_MS,
  cpu: cpus()[0]?.model ?? 'unknown',
  logicalCores: cpus().length,
  node: process.version,
  denseWasm: { details: info.details, topiaryKernelThreads: kernelsInfo?.activeThreads ?? null },
  sparseWasmThreads: 1,
  note: 'ms are per training step of one layer: forward + input gradient + sampled gradient (dense: the full Xᵀ·dY). Sparse products read host Float32Arrays and write into arrays made once (out); dense products keep tensors on their backend.',
  layers,
  rows,
  table,
};
mkdirSync(dirname(args.out!), { recursive: true });
writeFileSync(args.out!, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${table}\n\nwrote ${args.out}`);
