// Measures the storage layouts docs/engine.md ("Sparse storage") compares, on the three products of a training
// step (forward, input gradient, sampled gradient) at batch 100:
//   row-major  CSR alone on tfjs's row-major operands, scalar (TypeScript only)
//   csr        CSR alone, batch-inner operands: forward scatters, input gradient gathers
//   csc        CSC alone, batch-inner operands: forward gathers, input gradient scatters
//   both       CSR and CSC, each with its own copy of the values: both products gather
// csr is the format the package ships (SparseKernel); the others are built here from it.
// Every variant of a layer runs in interleaved rounds in one process; the medians go to the JSON.
// Run: node --import tsx --conditions=@topiary/source packages/sparse/scripts/compare-layouts.ts [--out file] [--quick]
import { Rng } from '@topiary/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { randomSparseKernel } from '../src/kernel/random-kernel.js';
import { SparseKernel } from '../src/kernel/sparse-kernel.js';
import { fromBatchInner, toBatchInner } from '../src/typescript/batch-inner.js';
import { gatherRows } from '../src/typescript/gather.js';
import { sampledDots } from '../src/typescript/sampled.js';
import { scatterRows } from '../src/typescript/scatter.js';
import { paddedWidth } from '../src/wasm/wasm-products.js';
import { Layout, SparseWasmRuntime } from '../src/wasm/wasm-runtime.js';
import { compressColumns, type CompressedColumns } from './layouts/compressed-columns.js';
import { backwardInputRowMajor, forwardRowMajor, sampledGradientRowMajor } from './layouts/row-major.js';

const { values: args } = parseArgs({ options: { out: { type: 'string', default: 'topiary-out/sparse-layouts.json' }, quick: { type: 'boolean', default: false } } });
const BATCH = 100;
const LAYERS: [number, number][] = [[784, 300], [300, 100], [100, 10], [4096, 4096]];
const SPARSITIES = args.quick ? [0.9] : [0.9, 0.99];
const ROUNDS = args.quick ? 3 : 5;
const PRODUCTS = ['forward', 'backwardInput', 'sampledGradient'] as const;
type Product = (typeof PRODUCTS)[number];

/** A layout's three products on one layer, with their buffers made ahead. */
type Variant = Record<Product, () => void>;

function seeded(seed: number): () => number {
  const rng = Rng.fromSeed(seed);
  return () => rng.float();
}

function tsVariants(kernel: SparseKernel, csc: CompressedColumns, x: Float32Array, dy: Float32Array): Record<string, Variant> {
  const { inputs, outputs, nnz } = kernel;
  const b = BATCH;
  const xt = new Float32Array(inputs * b);
  const dyt = new Float32Array(outputs * b);
  const yt = new Float32Array(outputs * b);
  const dxt = new Float32Array(inputs * b);
  const y = new Float32Array(b * outputs);
  const dx = new Float32Array(b * inputs);
  const dw = new Float32Array(nnz);
  const cscValues = Float32Array.from(csc.cscToCsr, (slot) => kernel.values[slot]!);
  const forwardGather = (): void => {
    toBatchInner(x, xt, b, inputs, b);
    gatherRows(outputs, csc.columnPointers, csc.rowIndices, cscValues, xt, yt, b);
    fromBatchInner(yt, y, b, outputs, b);
  };
  const backwardGather = (): void => {
    toBatchInner(dy, dyt, b, outputs, b);
    gatherRows(inputs, kernel.rowPointers, kernel.columnIndices, kernel.values, dyt, dxt, b);
    fromBatchInner(dxt, dx, b, inputs, b);
  };
  const sampledByRows = (): void => {
    toBatchInner(x, xt, b, inputs, b);
    toBatchInner(dy, dyt, b, outputs, b);
    sampledDots(inputs, kernel.rowPointers, kernel.columnIndices, xt, dyt, dw, b);
  };
  return {
    'ts row-major': {
      forward: () => forwardRowMajor(kernel, x, b, y),
      backwardInput: () => backwardInputRowMajor(kernel, dy, b, dx),
      sampledGradient: () => sampledGradientRowMajor(kernel, x, dy, b, dw),
    },
    'ts csr': {
      forward: () => {
        toBatchInner(x, xt, b, inputs, b);
        scatterRows(inputs, kernel.rowPointers, kernel.columnIndices, kernel.values, xt, yt, b, outputs);
        fromBatchInner(yt, y, b, outputs, b);
      },
      backwardInput: backwardGather,
      sampledGradient: sampledByRows,
    },
    'ts csc': {
      forward: forwardGather,
      backwardInput: () => {
        toBatchInner(dy, dyt, b, outputs, b);
        scatterRows(outputs, csc.columnPointers, csc.rowIndices, cscValues, dyt, dxt, b, inputs);
        fromBatchInner(dxt, dx, b, inputs, b);
      },
      sampledGradient: () => {
        toBatchInner(x, xt, b, inputs, b);
        toBatchInner(dy, dyt, b, outputs, b);
        sampledDots(outputs, csc.columnPointers, csc.rowIndices, dyt, xt, dw, b);
      },
    },
    'ts both': { forward: forwardGather, backwardInput: backwardGather, sampledGradient: sampledByRows },
  };
}

function wasmVariants(runtime: SparseWasmRuntime, kernel: SparseKernel, csc: CompressedColumns, x: Float32Array, dy: Float32Array): Record<string, Variant> {
  const { inputs, outputs, nnz } = kernel;
  const k = runtime.kernels;
  const b = BATCH;
  const w = paddedWidth(b);
  const cscValues = Float32Array.from(csc.cscToCsr, (slot) => kernel.values[slot]!);
  // every variant copies what it reads in and its result out, as the products do
  const at = new Layout();
  const rowPtr = at.place(4 * (inputs + 1));
  const colIdx = at.place(4 * nnz);
  const colPtr = at.place(4 * (outputs + 1));
  const rowIdx = at.place(4 * nnz);
  const values = at.place(4 * nnz);
  const valuesCsc = at.place(4 * nnz);
  const xr = at.place(4 * x.length);
  const dyr = at.place(4 * dy.length);
  const xt = at.place(4 * inputs * w);
  const dyt = at.place(4 * outputs * w);
  const yt = at.place(4 * outputs * w);
  const dxt = at.place(4 * inputs * w);
  const y = at.place(4 * b * outputs);
  const dx = at.place(4 * b * inputs);
  const dw = at.place(4 * nnz);
  runtime.reserve(at.end);
  const yOut = new Float32Array(b * outputs);
  const dxOut = new Float32Array(b * inputs);
  const dwOut = new Float32Array(nnz);
  const csr = (): void => {
    runtime.putI32(rowPtr, kernel.rowPointers);
    runtime.putI32(colIdx, kernel.columnIndices);
  };
  const cscIn = (): void => {
    runtime.putI32(colPtr, csc.columnPointers);
    runtime.putI32(rowIdx, csc.rowIndices);
  };
  const forwardIn = (): void => {
    runtime.putF32(xr, x);
    k.toBatchInner(xr, xt, b, inputs, w);
  };
  const forwardOut = (): void => {
    k.fromBatchInner(yt, y, b, outputs, w);
    runtime.getF32(y, yOut);
  };
  const backwardIn = (): void => {
    runtime.putF32(dyr, dy);
    k.toBatchInner(dyr, dyt, b, outputs, w);
  };
  const backwardOut = (): void => {
    k.fromBatchInner(dxt, dx, b, inputs, w);
    runtime.getF32(dx, dxOut);
  };
  const sampled = (byRows: boolean): void => {
    forwardIn();
    backwardIn();
    if (byRows) {
      csr();
      k.sampledDots(inputs, rowPtr, colIdx, xt, dyt, dw, w);
    } else {
      cscIn();
      k.sampledDots(outputs, colPtr, rowIdx, dyt, xt, dw, w);
    }
    runtime.getF32(dw, dwOut);
  };
  const backwardGather = (): void => {
    csr();
    runtime.putF32(values, kernel.values);
    backwardIn();
    k.gatherRows(inputs, rowPtr, colIdx, values, dyt, dxt, w);
    backwardOut();
  };
  const forwardGather = (): void => {
    cscIn();
    runtime.putF32(valuesCsc, cscValues);
    forwardIn();
    k.gatherRows(outputs, colPtr, rowIdx, valuesCsc, xt, yt, w);
    forwardOut();
  };
  return {
    'wasm csr': {
      forward: () => {
        csr();
        runtime.putF32(values, kernel.values);
        forwardIn();
        k.scatterRows(inputs, rowPtr, colIdx, values, xt, yt, w, outputs);
        forwardOut();
      },
      backwardInput: backwardGather,
      sampledGradient: () => sampled(true),
    },
    'wasm csc': {
      forward: forwardGather,
      backwardInput: () => {
        cscIn();
        runtime.putF32(valuesCsc, cscValues);
        backwardIn();
        k.scatterRows(outputs, colPtr, rowIdx, valuesCsc, dyt, dxt, w, inputs);
        backwardOut();
      },
      sampledGradient: () => sampled(false),
    },
    'wasm both': {
      forward: forwardGather,
      backwardInput: backwardGather,
      sampledGradient: () => sampled(true),
    },
  };
}

/** Milliseconds per call of `run`, over `calls` calls. */
function timeCalls(run: () => void, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (performance.now() - start) / calls;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const started = await SparseWasmRuntime.start();
if (started.runtime === undefined) throw new Error(started.reason);
const runtime = started.runtime;
const rows: Record<string, unknown>[] = [];
for (const [inputs, outputs] of LAYERS) {
  for (const sparsity of SPARSITIES) {
    const kernel = randomSparseKernel(inputs, outputs, sparsity, seeded(inputs * 31 + outputs));
    const random = seeded(7);
    const x = Float32Array.from({ length: BATCH * inputs }, () => random() - 0.5);
    const dy = Float32Array.from({ length: BATCH * outputs }, () => random() - 0.5);
    const csc = compressColumns(kernel.rowPointers, kernel.columnIndices, outputs);
    const variants = { ...tsVariants(kernel, csc, x, dy), ...wasmVariants(runtime, kernel, csc, x, dy) };
    // calls per block: about 40 ms of the slowest product, at least one
    const calls: Record<string, Record<Product, number>> = {};
    for (const [name, variant] of Object.entries(variants)) {
      calls[name] = {} as Record<Product, number>;
      for (const product of PRODUCTS) {
        variant[product]();
        const once = timeCalls(variant[product], 1);
        calls[name]![product] = Math.max(1, Math.min(200, Math.round(40 / Math.max(once, 1e-3))));
      }
    }
    const times: Record<string, Record<Product, number[]>> = Object.fromEntries(Object.keys(variants).map((name) => [name, { forward: [], backwardInput: [], sampledGradient: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, variant] of Object.entries(variants)) {
        for (const product of PRODUCTS) times[name]![product].push(timeCalls(variant[product], calls[name]![product]));
      }
    }
    const ms = Object.fromEntries(
      Object.entries(times).map(([name, t]) => {
        const m = { forward: median(t.forward), backwardInput: median(t.backwardInput), sampledGradient: median(t.sampledGradient) };
        return [name, { ...m, total: m.forward + m.backwardInput + m.sampledGradient }];
      }),
    );
    const bytes = {
      'row-major': 8 * kernel.nnz + 4 * (inputs + 1),
      csr: 8 * kernel.nnz + 4 * (inputs + 1),
      csc: 8 * kernel.nnz + 4 * (outputs + 1),
      both: 16 * kernel.nnz + 4 * (inputs + outputs + 2),
    };
    const bytesPerNonzero = Object.fromEntries(Object.entries(bytes).map(([name, b]) => [name, b / Math.max(1, kernel.nnz)]));
    const row = { layer: `${inputs}x${outputs}`, sparsity, nnz: kernel.nnz, batch: BATCH, bytesPerNonzero, ms };
    rows.push(row);
    console.log(row.layer, sparsity, Object.entries(ms).map(([n, m]) => `${n}: ${m.forward.toFixed(3)} + ${m.backwardInput.toFixed(3)} + ${m.sampledGradient.toFixed(3)} = ${m.total.toFixed(3)} ms`).join('\n  '));
  }
}
mkdirSync(dirname(args.out!), { recursive: true });
writeFileSync(args.out!, `${JSON.stringify({ batch: BATCH, rounds: ROUNDS, rows }, null, 2)}\n`);
console.log(`wrote ${args.out}`);
