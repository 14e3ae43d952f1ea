// The resident CSR structures of the WASM products: copied in once per structure (the identity of its arrays),
// results bitwise those of copying every call, and module memory bounded however many structures come and go.
import { describe, expect, it, vi } from 'vitest';
import { SparseKernel } from '../../kernel/sparse-kernel.js';
import { randomSparseKernel } from '../../kernel/random-kernel.js';
import { seeded } from '../../__tests__/fixtures.js';
import { structureBytes } from '../resident-csr.js';
import { wasmProducts, type WasmProducts } from '../wasm-products.js';
import { SparseWasmRuntime } from '../wasm-runtime.js';

/** A fresh runtime (its own module memory). */
async function startRuntime(): Promise<SparseWasmRuntime> {
  const started = await SparseWasmRuntime.start();
  if (started.runtime === undefined) throw new Error(started.reason);
  return started.runtime;
}

/** The same structure in new arrays (what a mask update that keeps every entry would make). */
const newArrays = (kernel: SparseKernel): SparseKernel =>
  SparseKernel.fromCsr(kernel.inputs, kernel.outputs, kernel.values.slice(), kernel.rowPointers.slice(), kernel.columnIndices.slice());

/** The bits of each float, so that equal means bitwise equal (−0 and NaN payloads included). */
const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Uniform floats in [-1, 1). */
const operand = (length: number, random: () => number): Float32Array => Float32Array.from({ length }, () => 2 * random() - 1);

/** Runs the steps of a small engine (layers alternating, values updated in place, new structures at mask updates) and returns every result. */
function train(products: WasmProducts, seed: number): Float32Array[] {
  const random = seeded(seed);
  const shapes: [number, number][] = [[37, 29], [29, 64], [64, 13], [13, 5]];
  const batch = 6;
  const results: Float32Array[] = [];
  let layers = shapes.map(([i, o]) => randomSparseKernel(i, o, 0.7, random));
  for (let update = 0; update < 3; update++) {
    for (let step = 0; step < 3; step++) {
      const xs: Float32Array[] = [];
      let x = operand(batch * shapes[0]![0], random);
      for (const layer of layers) {
        xs.push(x);
        // the engine hands each product the layer's structure with the current values (withValues: same arrays)
        x = products.forward(layer.withValues(layer.values), x, batch);
        results.push(x);
      }
      let dy = operand(batch * shapes[shapes.length - 1]![1], random);
      for (let l = layers.length - 1; l >= 0; l--) {
        const kernel = layers[l]!.withValues(layers[l]!.values);
        const dx = products.backwardInput(kernel, dy, batch);
        const dw = products.sampledGradient(kernel, xs[l]!, dy, batch);
        results.push(dx, dw);
        kernel.values.forEach((v, k) => (kernel.values[k] = v - 0.1 * dw[k]!)); // an optimiser step, in place
        dy = dx;
      }
    }
    // a mask update: new structures (one of them the same entries in new arrays), none of the old arrays again
    layers = layers.map((layer, l) => (l === 1 ? newArrays(layer) : randomSparseKernel(layer.inputs, layer.outputs, 0.5 + 0.1 * l, random)));
  }
  return results;
}

describe('resident CSR structures', () => {
  it('copy a structure in once: later calls with its arrays copy no indices, new arrays are copied again', async () => {
    const runtime = await startRuntime();
    const products = wasmProducts(runtime);
    const putI32 = vi.spyOn(runtime, 'putI32');
    const random = seeded(3);
    const kernel = randomSparseKernel(20, 12, 0.6, random);
    const x = operand(4 * 20, random);
    const dy = operand(4 * 12, random);
    products.forward(kernel, x, 4);
    expect(putI32).toHaveBeenCalledTimes(2); // row pointers and column indices
    products.backwardInput(kernel.withValues(kernel.values.map((v) => 2 * v)), dy, 4);
    products.sampledGradient(kernel, x, dy, 4);
    products.forward(kernel.withValues(kernel.values.slice()), x, 4);
    expect(putI32).toHaveBeenCalledTimes(2);
    expect(products.resident.structures).toBe(1);
    products.forward(newArrays(kernel), x, 4); // equal contents, other arrays: another structure
    expect(putI32).toHaveBeenCalledTimes(4);
    // the same row pointers with other column indices is another structure too
    const shifted = SparseKernel.fromCsr(20, 12, kernel.values, kernel.rowPointers, kernel.columnIndices.map((c) => c));
    products.forward(shifted, x, 4);
    expect(putI32).toHaveBeenCalledTimes(6);
    expect(products.resident.structures).toBe(3);
  });

  it('give bitwise the results of copying every call, over alternating layers, value updates, mask updates and evictions', async () => {
    const copying = train(wasmProducts(await startRuntime(), { maxStructures: 0 }), 11);
    const residentDefault = wasmProducts(await startRuntime());
    const defaults = train(residentDefault, 11);
    const tightRuntime = await startRuntime();
    const moves = vi.spyOn(tightRuntime, 'moveBytes');
    const tight = wasmProducts(tightRuntime, { maxStructures: 3 });
    const tights = train(tight, 11);
    const byteRuntime = await startRuntime();
    const budget = wasmProducts(byteRuntime, { maxBytes: 4096 });
    const budgets = train(budget, 11);
    expect(defaults.length).toBe(copying.length);
    for (const [r, expected] of copying.entries()) {
      expect(bits(defaults[r]!), `result ${r}, default limits`).toEqual(bits(expected));
      expect(bits(tights[r]!), `result ${r}, 3 structures`).toEqual(bits(expected));
      expect(bits(budgets[r]!), `result ${r}, 4096 bytes`).toEqual(bits(expected));
    }
    expect(residentDefault.resident.structures).toBeLessThanOrEqual(8);
    expect(tight.resident.structures).toBe(3);
    expect(moves).toHaveBeenCalled(); // evictions moved the kept structures down
    expect(budget.resident.bytes).toBeLessThanOrEqual(4096);
  });

  it('keep module memory bounded over 50 successive new structures of the same size', async () => {
    const random = seeded(5);
    const first = randomSparseKernel(1000, 400, 0.9, random);
    const batch = 4;
    const x = operand(batch * 1000, random);
    const dy = operand(batch * 400, random);
    const oneStep = (products: WasmProducts, kernel: SparseKernel): void => {
      products.forward(kernel, x, batch);
      products.backwardInput(kernel, dy, batch);
      products.sampledGradient(kernel, x, dy, batch);
    };
    const s = structureBytes(first);
    for (const { options, held } of [{ options: {}, held: 8 }, { options: { maxBytes: 2 * s }, held: 2 }]) {
      const runtime = await startRuntime();
      const products = wasmProducts(runtime, options);
      oneStep(products, first);
      const afterOne = runtime.memoryBytes;
      const memory: number[] = [];
      for (let n = 1; n < 50; n++) {
        oneStep(products, newArrays(first));
        memory.push(runtime.memoryBytes);
      }
      expect(products.resident.structures).toBe(held);
      expect(products.resident.bytes).toBe(held * s);
      // the resident area stops growing once full: the memory after the 50th structure is that after the one that filled it
      expect(memory[memory.length - 1]).toBe(memory[held - 2]);
      expect(memory[memory.length - 1]!).toBeLessThanOrEqual(afterOne + (held - 1) * s + 65536);
      expect(memory[memory.length - 1]!).toBeLessThan(Math.min(held + 1, 4) * afterOne);
    }
  });

  it('copy a structure over the byte budget alone every call, with the same results', async () => {
    const random = seeded(8);
    const kernel = randomSparseKernel(50, 40, 0.5, random);
    const x = operand(3 * 50, random);
    const runtime = await startRuntime();
    const small = wasmProducts(runtime, { maxBytes: structureBytes(kernel) - 16 });
    const putI32 = vi.spyOn(runtime, 'putI32');
    const copying = wasmProducts(await startRuntime(), { maxStructures: 0 });
    expect(bits(small.forward(kernel, x, 3))).toEqual(bits(copying.forward(kernel, x, 3)));
    expect(bits(small.forward(kernel, x, 3))).toEqual(bits(copying.forward(kernel, x, 3)));
    expect(putI32).toHaveBeenCalledTimes(4);
    expect(small.resident.structures).toBe(0);
  });

  it('refuse limits that are not integers ≥ 0, naming them', async () => {
    const runtime = await startRuntime();
    expect(() => wasmProducts(runtime, { maxStructures: -1 })).toThrow('wasmProducts: maxStructures must be an integer ≥ 0, got -1');
    expect(() => wasmProducts(runtime, { maxBytes: 1.5 })).toThrow('wasmProducts: maxBytes must be an integer ≥ 0, got 1.5');
    expect(() => wasmProducts(runtime, { maxBytes: Number.NaN })).toThrow('wasmProducts: maxBytes must be an integer ≥ 0, got NaN');
  });
});
