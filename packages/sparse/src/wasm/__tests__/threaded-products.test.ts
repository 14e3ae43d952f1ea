// The threaded products: bitwise those of one thread whatever the thread count and split, within tolerance of the
// TypeScript products, one thread with the reason where memory cannot be shared or the threads were stopped.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SparseProducts } from '../../products/sparse-products.js';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { makeCase, relativeError, TOLERANCE, type Case } from '../../__tests__/fixtures.js';
import { MIN_TASK_WORK, tasksFor, wasmProducts, type WasmProducts } from '../wasm-products.js';
import { SparseWasmRuntime } from '../wasm-runtime.js';

let one: WasmProducts;
let threaded: SparseWasmRuntime;
/** Every product split into as many tasks as its parts allow, on 2 and on 3 threads (one memory, one resident area). */
let splits: WasmProducts[];

async function started(start: Promise<Awaited<ReturnType<typeof SparseWasmRuntime.start>>>): Promise<SparseWasmRuntime> {
  const result = await start;
  if (result.runtime === undefined) throw new Error(result.reason);
  return result.runtime;
}

beforeAll(async () => {
  one = wasmProducts(await started(SparseWasmRuntime.start()));
  threaded = await started(SparseWasmRuntime.startThreaded(3, true));
  const three = wasmProducts(threaded, { minTaskWork: 0 });
  splits = [wasmProducts(threaded, { threads: 2, minTaskWork: 0, resident: three.resident }), three];
});

afterAll(() => threaded.stop());

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** The three products of `products` on `c`. */
function run(products: SparseProducts, c: Case): Float32Array[] {
  return [products.forward(c.kernel, c.x, c.batch), products.backwardInput(c.kernel, c.dy, c.batch), products.sampledGradient(c.kernel, c.x, c.dy, c.batch)];
}

/** Holds every split to one thread bitwise and to TypeScript within tolerance. */
function expectSameAsOneThread(c: Case): void {
  const reference = run(one, c);
  const label = `${c.inputs}×${c.outputs} batch ${c.batch} nnz ${c.kernel.nnz}`;
  for (const products of splits) {
    run(products, c).forEach((got, p) => expect(bits(got), `${label}, ${products.threads} threads, product ${p}`).toEqual(bits(reference[p]!)));
  }
  run(typescriptProducts(), c).forEach((got, p) => expect(relativeError(got, reference[p]!), `${label}, TypeScript, product ${p}`).toBeLessThanOrEqual(TOLERANCE));
}

/** A deterministic pseudo-random mask with every third row and every fourth column empty. */
const holes = (sparsity: number) => (i: number, o: number): boolean => i % 3 !== 1 && o % 4 !== 2 && ((i * 7919 + o * 104729) % 1000) / 1000 >= sparsity;

describe('the threaded products', () => {
  it('start the threads asked for', () => {
    expect(threaded.threads).toBe(3);
    expect(threaded.threadNote).toBeUndefined();
    expect(splits.map((p) => p.threads)).toEqual([2, 3]);
  });

  it.each([
    ['batch 1 (one vector: the forward product stays one task)', 37, 23, 1, 0.6],
    ['odd sizes, batch 3', 13, 17, 3, 0.6],
    ['batch 5 (padded to 8)', 31, 29, 5, 0.7],
    ['batch 33 (lane slices of 8 vectors and less)', 40, 24, 33, 0.8],
    ['batch 100, LeNet-300-100 fc2 shape at 0.98', 300, 100, 100, 0.98],
    ['inputs = 1 (one row: the gradients stay one task)', 1, 19, 12, 0.3],
    ['outputs = 1', 23, 1, 12, 0.3],
    ['more tasks than rows with nonzeros', 5, 60, 64, 0.95],
  ] as const)('are bitwise those of one thread: %s', (_name, inputs, outputs, batch, sparsity) => {
    expectSameAsOneThread(makeCase(inputs, outputs, batch, sparsity, 7));
  });

  it('are bitwise those of one thread with empty rows and columns', () => {
    const c = makeCase(61, 47, 9, 0, 3, holes(0.5));
    expect(c.kernel.nnz).toBeGreaterThan(0);
    expectSameAsOneThread(c);
  });

  it('are bitwise those of one thread on an empty kernel and on one whose nonzeros are all in one row', () => {
    expectSameAsOneThread(makeCase(20, 30, 12, 1, 2));
    expectSameAsOneThread(makeCase(20, 30, 12, 0, 2, (i) => i === 13));
  });

  it('are bitwise those of one thread on random kernels (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 70 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        (inputs, outputs, batch, sparsity, seed) => expectSameAsOneThread(makeCase(inputs, outputs, batch, sparsity, seed)),
      ),
      { numRuns: 60 },
    );
  });

  it('write into given arrays and leave nothing of an earlier, larger call behind', () => {
    const big = makeCase(50, 40, 48, 0.5, 4);
    const small = makeCase(50, 40, 6, 0.5, 5);
    const [products] = splits;
    run(products!, big);
    const out = new Float32Array(small.batch * small.outputs).fill(Number.NaN);
    expect(products!.forward(small.kernel, small.x, small.batch, out)).toBe(out);
    expect(bits(out)).toEqual(bits(one.forward(small.kernel, small.x, small.batch)));
  });

  it('split a product only from MIN_TASK_WORK multiply-adds a task, and never into more tasks than threads or parts', () => {
    expect(tasksFor(2 * MIN_TASK_WORK - 1, 8, 100, MIN_TASK_WORK)).toBe(1);
    expect(tasksFor(2 * MIN_TASK_WORK, 8, 100, MIN_TASK_WORK)).toBe(2);
    expect(tasksFor(100 * MIN_TASK_WORK, 8, 100, MIN_TASK_WORK)).toBe(8);
    expect(tasksFor(100 * MIN_TASK_WORK, 8, 3, MIN_TASK_WORK)).toBe(3);
    expect(tasksFor(0, 8, 100, 0)).toBe(8);
    expect(tasksFor(0, 8, 0, 0)).toBe(1);
  });

  it('run products too small to split on the one-task products given, the same results', () => {
    const c = makeCase(30, 20, 8, 0.5, 6);
    const calls: string[] = [];
    const spy: SparseProducts = {
      ...one,
      forward: (...args) => (calls.push('forward'), one.forward(...args)),
      backwardInput: (...args) => (calls.push('backwardInput'), one.backwardInput(...args)),
      sampledGradient: (...args) => (calls.push('sampledGradient'), one.sampledGradient(...args)),
    };
    const products = wasmProducts(threaded, { threads: 2, oneTask: spy, resident: splits[1]!.resident });
    run(products, c).forEach((got, p) => expect(bits(got)).toEqual(bits(run(one, c)[p]!)));
    expect(calls).toEqual(['forward', 'backwardInput', 'sampledGradient']);
    const large = makeCase(400, 400, 64, 0.5, 6);
    calls.length = 0;
    run(products, large).forEach((got, p) => expect(bits(got)).toEqual(bits(run(one, large)[p]!)));
    expect(calls).toEqual([]);
  });

  it('refuse a thread count the runtime does not run, and limits with a shared resident area', () => {
    expect(() => wasmProducts(threaded, { threads: 4 })).toThrow('wasmProducts: threads must be an integer in [1, 3] (the threads this runtime runs), got 4');
    expect(() => wasmProducts(threaded, { threads: 0 })).toThrow('wasmProducts: threads must be an integer in [1, 3]');
    expect(() => wasmProducts(threaded, { minTaskWork: -1 })).toThrow('wasmProducts: minTaskWork must be an integer ≥ 0, got -1');
    expect(() => wasmProducts(threaded, { resident: splits[1]!.resident, maxStructures: 2 })).toThrow('wasmProducts: resident is shared, so maxStructures and maxBytes cannot be given with it');
  });
});

describe('the threaded runtime', () => {
  it('runs on one thread, saying why, where SharedArrayBuffer is unavailable', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      const runtime = await started(SparseWasmRuntime.startThreaded(2, true));
      expect(runtime.threads).toBe(1);
      expect(runtime.threadNote).toBe('SharedArrayBuffer is unavailable in this runtime, so the sparse products run on one thread');
      const products = wasmProducts(runtime);
      expect(products.threads).toBe(1);
      const c = makeCase(20, 10, 4, 0.5, 1);
      run(products, c).forEach((got, p) => expect(bits(got)).toEqual(bits(run(one, c)[p]!)));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('goes on computing on the caller\'s thread once its threads are stopped, with the same results', async () => {
    const runtime = await started(SparseWasmRuntime.startThreaded(2, true));
    const products = wasmProducts(runtime, { minTaskWork: 0 });
    const c = makeCase(64, 48, 40, 0.6, 9);
    const before = run(products, c);
    runtime.stop();
    expect(runtime.threads).toBe(1);
    expect(products.threads).toBe(1);
    expect(products.threadNote).toBe('the sparse kernel threads were stopped');
    run(products, c).forEach((got, p) => expect(bits(got)).toEqual(bits(before[p]!)));
    expect(() => runtime.run({ kind: 1, rows: 1, ptr: 0, idx: 0, values: 0, src: 0, dst: 0, width: 4, dstRows: 1, out: 0 }, 2)).toThrow('sparse kernels: a job on 2 threads, but 1 run');
  });
});
