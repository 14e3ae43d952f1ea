// The WASM products on one thread (an instance of their own, the single-threaded build) against the threaded build
// on 2 … n threads, in one process: ms per forward, input gradient and sampled gradient, the kernel handed over as
// the engine does, results into arrays made once; the variants run in interleaved rounds, medians of the per-call
// times. Every threaded result is checked bitwise against the one-thread result first. Cases: LeNet-300-100's
// layers at 98% sparsity (batch 100; each layer, and the three alternating as in a training step) and a
// 10000 × 10000 layer at 90% (10⁷ nonzeros, batch 32). `--all-tasks` adds a variant that splits every product
// however small (minTaskWork 0), to show what the work threshold saves on small layers. The last column is the
// process's CPU time over the wall time while a variant ran: up to the thread count when the cores are free, about
// 1 when the other threads found no free core (a shared machine).
// Run: node --import tsx --conditions=@topiary/source packages/sparse/scripts/thread-scaling.ts [--threads 2] [--rounds n] [--quick] [--all-tasks]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isNodeRuntime } from '@topiary/core';
import { randomSparseKernel } from '../src/kernel/random-kernel.js';
import { wasmProducts, type WasmProducts } from '../src/wasm/wasm-products.js';
import { SparseWasmRuntime } from '../src/wasm/wasm-runtime.js';
import { formatMs, measure, median, operandsFor, PRODUCTS, seeded, type Case } from './product-timing.js';

const { values: args } = parseArgs({
  options: { threads: { type: 'string', default: '2' }, rounds: { type: 'string', default: '5' }, quick: { type: 'boolean', default: false }, 'all-tasks': { type: 'boolean', default: false } },
});
const ROUNDS = Number(args.rounds);
const THREADS = Number(args.threads);

const single = await SparseWasmRuntime.start();
const threaded = await SparseWasmRuntime.startThreaded(THREADS, isNodeRuntime());
if (single.runtime === undefined || threaded.runtime === undefined) throw new Error(single.reason ?? threaded.reason);
if (threaded.runtime.threads !== THREADS) throw new Error(`only ${threaded.runtime.threads} threads started: ${threaded.runtime.threadNote}`);

const random = seeded(1);
const lenet = [randomSparseKernel(784, 300, 0.98, random), randomSparseKernel(300, 100, 0.98, random), randomSparseKernel(100, 10, 0.98, random)];
const cases: Case[] = [
  { name: '784×300 at 0.98, batch 100', layers: [lenet[0]!], batch: 100, calls: args.quick ? 100 : 400 },
  { name: '300×100 at 0.98, batch 100', layers: [lenet[1]!], batch: 100, calls: args.quick ? 100 : 400 },
  { name: '100×10 at 0.98, batch 100', layers: [lenet[2]!], batch: 100, calls: args.quick ? 100 : 400 },
  { name: 'LeNet-300-100 at 0.98 (3 layers alternating), batch 100', layers: lenet, batch: 100, calls: args.quick ? 100 : 400 },
  { name: '10000×10000 at 0.9, batch 32', layers: [randomSparseKernel(10000, 10000, 0.9, random)], batch: 32, calls: args.quick ? 2 : 4 },
];

const same = (a: Float32Array, b: Float32Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const rows: Record<string, unknown>[] = [];
console.log(`| case | nnz | variant | forward ms | backwardInput ms | sampledGradient ms | sum ms | 1 thread / this | CPU / wall |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
for (const c of cases) {
  const operands = operandsFor(c, random);
  const one = wasmProducts(single.runtime);
  // as sparseProducts({ threads }) makes them: products too small to split run on the unshared instance
  const split = wasmProducts(threaded.runtime, { oneTask: one });
  const variants: { name: string; products: WasmProducts }[] = [
    { name: '1 thread', products: one },
    { name: `${THREADS} threads`, products: split },
    // on the same memory, so sharing its resident structures
    ...(args['all-tasks'] ? [{ name: `${THREADS} threads, every product split`, products: wasmProducts(threaded.runtime, { minTaskWork: 0, resident: split.resident }) }] : []),
  ];
  // bitwise check of every variant against one thread, on every layer
  c.layers.forEach((layer, l) => {
    const o = operands[l]!;
    const kernel = layer.withValues(layer.values);
    const reference = [variants[0]!.products.forward(kernel, o.x, c.batch), variants[0]!.products.backwardInput(kernel, o.dy, c.batch), variants[0]!.products.sampledGradient(kernel, o.x, o.dy, c.batch)];
    for (const v of variants.slice(1)) {
      const got = [v.products.forward(kernel, o.x, c.batch), v.products.backwardInput(kernel, o.dy, c.batch), v.products.sampledGradient(kernel, o.x, o.dy, c.batch)];
      got.forEach((g, p) => {
        if (!same(g, reference[p]!)) throw new Error(`${c.name}, layer ${l}, ${v.name}: ${PRODUCTS[p]} differs from one thread`);
      });
    }
  });
  const all = variants.map(() => ({ forward: [] as number[], backwardInput: [] as number[], sampledGradient: [] as number[] }));
  const cpu = variants.map(() => ({ cpuMs: 0, wallMs: 0 }));
  for (const v of variants) measure(v.products, c, operands); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    variants.forEach((v, i) => {
      const before = process.cpuUsage();
      const start = performance.now();
      const t = measure(v.products, c, operands);
      cpu[i]!.wallMs += performance.now() - start;
      const used = process.cpuUsage(before);
      cpu[i]!.cpuMs += (used.user + used.system) / 1000;
      for (const p of PRODUCTS) all[i]![p].push(...t[p]);
    });
  }
  const nnz = c.layers.reduce((s, l) => s + l.nnz, 0);
  let base = 0;
  variants.forEach((v, i) => {
    const m = PRODUCTS.map((p) => median(all[i]![p]));
    const sum = m.reduce((a, b) => a + b, 0);
    if (i === 0) base = sum;
    const cpuOverWall = cpu[i]!.cpuMs / cpu[i]!.wallMs;
    rows.push({ case: c.name, nnz, variant: v.name, forwardMs: m[0], backwardInputMs: m[1], sampledGradientMs: m[2], sumMs: sum, speedup: base / sum, cpuOverWall });
    console.log(`| ${c.name} | ${nnz} | ${v.name} | ${m.map(formatMs).join(' | ')} | ${formatMs(sum)} | ${(base / sum).toFixed(2)}× | ${cpuOverWall.toFixed(2)} |`);
  });
}
mkdirSync('topiary-out', { recursive: true });
writeFileSync('topiary-out/sparse-threads.json', JSON.stringify({ threads: THREADS, rounds: ROUNDS, rows }, null, 2));
threaded.runtime.stop();
