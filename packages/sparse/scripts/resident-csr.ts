// The WASM products with the CSR structure resident in module memory (the default) against copying it in on every
// call (`maxStructures: 0`, what every call did before structures were kept resident): ms per forward, input
// gradient and sampled gradient, the kernel handed over as the engine does (`structure.withValues(values)`, the
// same arrays every step), results into arrays made once. Cases: one 20000 × 20000 layer at 10⁷ nonzeros
// (batch 10), LeNet-300-100's first layer at 98% sparsity (batch 100), and LeNet-300-100's three layers at 98%
// alternating as in a training step (batch 100; per layer summed). Each variant has its own module; the variants
// run in interleaved rounds; medians of the per-call times.
// Run: node --import tsx --conditions=@topiary/source packages/sparse/scripts/resident-csr.ts [--rounds n] [--quick]
import { parseArgs } from 'node:util';
import { randomSparseKernel } from '../src/kernel/random-kernel.js';
import { SparseKernel } from '../src/kernel/sparse-kernel.js';
import { wasmProducts, type WasmProducts } from '../src/wasm/wasm-products.js';
import { SparseWasmRuntime } from '../src/wasm/wasm-runtime.js';
import { formatMs, measure, median, operandsFor, PRODUCTS, seeded, type Case } from './product-timing.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, quick: { type: 'boolean', default: false } } });
const ROUNDS = Number(args.rounds);

/** A square layer with `perRow` nonzeros in every row, one in each of `perRow` equal column bands (no dense array). */
function banded(n: number, perRow: number, random: () => number): SparseKernel {
  const band = n / perRow;
  const nnz = n * perRow;
  const values = new Float32Array(nnz);
  const rowPointers = new Int32Array(n + 1);
  const columnIndices = new Int32Array(nnz);
  for (let i = 0, k = 0; i < n; i++) {
    for (let j = 0; j < perRow; j++, k++) {
      columnIndices[k] = j * band + Math.floor(random() * band);
      values[k] = random() - 0.5;
    }
    rowPointers[i + 1] = k;
  }
  return SparseKernel.fromCsr(n, n, values, rowPointers, columnIndices);
}

async function start(): Promise<SparseWasmRuntime> {
  const started = await SparseWasmRuntime.start();
  if (started.runtime === undefined) throw new Error(started.reason);
  return started.runtime;
}

const random = seeded(1);
const lenet = [randomSparseKernel(784, 300, 0.98, random), randomSparseKernel(300, 100, 0.98, random), randomSparseKernel(100, 10, 0.98, random)];
const cases: Case[] = [
  { name: '20000×20000, nnz 1e7, batch 10', layers: [banded(20000, 500, random)], batch: 10, calls: args.quick ? 2 : 4 },
  { name: '784×300 at 0.98, batch 100', layers: [lenet[0]!], batch: 100, calls: args.quick ? 100 : 400 },
  { name: 'LeNet-300-100 at 0.98 (3 layers alternating), batch 100', layers: lenet, batch: 100, calls: args.quick ? 100 : 400 },
];

console.log(`| case | nnz | variant | forward ms | backwardInput ms | sampledGradient ms | sum ms |`);
console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
for (const c of cases) {
  const operands = operandsFor(c, random);
  const variants: { name: string; products: WasmProducts }[] = [
    { name: 'copying every call', products: wasmProducts(await start(), { maxStructures: 0 }) },
    { name: 'resident', products: wasmProducts(await start()) },
  ];
  const all = variants.map(() => ({ forward: [] as number[], backwardInput: [] as number[], sampledGradient: [] as number[] }));
  for (const v of variants) measure(v.products, c, operands); // warm-up (the resident variant copies its structures in here)
  for (let round = 0; round < ROUNDS; round++) {
    variants.forEach((v, i) => {
      const t = measure(v.products, c, operands);
      for (const p of PRODUCTS) all[i]![p].push(...t[p]);
    });
  }
  const nnz = c.layers.reduce((s, l) => s + l.nnz, 0);
  variants.forEach((v, i) => {
    const m = PRODUCTS.map((p) => median(all[i]![p]));
    console.log(`| ${c.name} | ${nnz} | ${v.name} | ${m.map(formatMs).join(' | ')} | ${formatMs(m.reduce((a, b) => a + b, 0))} |`);
  });
}
