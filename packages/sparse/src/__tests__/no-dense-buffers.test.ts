// No product allocates a buffer of the dense kernel's size (inputs · outputs): checked on a 8192 × 8192 layer
// (a dense float32 kernel would be 256 MiB) with 8 nonzeros per input unit, built from its entries so that no
// dense array exists at all. The WASM path: the module's memory stays a few MiB. Both paths: every typed array the
// products create (constructors, and slice / map / filter / subarray of typed arrays) is recorded, and none comes
// near inputs · outputs elements.
import { afterEach, describe, expect, it } from 'vitest';
import { SparseKernel } from '../kernel/sparse-kernel.js';
import type { SparseProducts } from '../products/sparse-products.js';
import { typescriptProducts } from '../typescript/typescript-products.js';
import { wasmProducts } from '../wasm/wasm-products.js';
import { SparseWasmRuntime } from '../wasm/wasm-runtime.js';
import { recordAllocations, restoreAllocations } from './allocations.js';
import { seeded } from './fixtures.js';

const INPUTS = 8192;
const OUTPUTS = 8192;
const PER_ROW = 8;
const BATCH = 8;
const DENSE = INPUTS * OUTPUTS;

function largeLayer(): { kernel: SparseKernel; x: Float32Array; dy: Float32Array } {
  const random = seeded(42);
  const rows: number[] = [];
  const columns: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < INPUTS; i++) {
    for (let j = 0; j < PER_ROW; j++) {
      rows.push(i);
      columns.push((i * 977 + j * 1031) % OUTPUTS);
      values.push(random() - 0.5);
    }
  }
  const kernel = SparseKernel.fromEntries(INPUTS, OUTPUTS, { rows, columns, values });
  const x = Float32Array.from({ length: BATCH * INPUTS }, () => random() - 0.5);
  const dy = Float32Array.from({ length: BATCH * OUTPUTS }, () => random() - 0.5);
  return { kernel, x, dy };
}

/** The three products computed entry by entry, straight from the definitions (no dense array). */
function reference(kernel: SparseKernel, x: Float32Array, dy: Float32Array): { y: Float64Array; dx: Float64Array; dw: Float64Array } {
  const y = new Float64Array(BATCH * OUTPUTS);
  const dx = new Float64Array(BATCH * INPUTS);
  const dw = new Float64Array(kernel.nnz);
  for (let i = 0; i < INPUTS; i++) {
    for (let k = kernel.rowPointers[i]!; k < kernel.rowPointers[i + 1]!; k++) {
      const o = kernel.columnIndices[k]!;
      const w = kernel.values[k]!;
      for (let b = 0; b < BATCH; b++) {
        y[b * OUTPUTS + o]! += x[b * INPUTS + i]! * w;
        dx[b * INPUTS + i]! += dy[b * OUTPUTS + o]! * w;
        dw[k]! += x[b * INPUTS + i]! * dy[b * OUTPUTS + o]!;
      }
    }
  }
  return { y, dx, dw };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let p = 0; p < b.length; p++) d = Math.max(d, Math.abs(a[p]! - b[p]!));
  return d;
};

afterEach(restoreAllocations);

describe('no product allocates a buffer of the dense kernel\'s size', () => {
  const layer = largeLayer();
  const ref = reference(layer.kernel, layer.x, layer.dy);

  const runAll = (products: SparseProducts) => ({
    y: products.forward(layer.kernel, layer.x, BATCH),
    dx: products.backwardInput(layer.kernel, layer.dy, BATCH),
    dw: products.sampledGradient(layer.kernel, layer.x, layer.dy, BATCH),
  });

  it('the layer is large and sparse, and built without a dense array', () => {
    expect(layer.kernel.nnz).toBe(INPUTS * PER_ROW);
    expect(layer.kernel.bytes).toBeLessThan(DENSE / 64);
  });

  it('TypeScript: every typed array it makes is at most batch · max(inputs, outputs) elements, and the results are right', () => {
    const products = typescriptProducts();
    let results: ReturnType<typeof runAll> | undefined;
    const sizes = recordAllocations(() => (results = runAll(products)));
    expect(sizes.length).toBeGreaterThan(0); // the recording works: the outputs are new Float32Arrays
    expect(Math.max(...sizes)).toBeLessThanOrEqual(BATCH * Math.max(INPUTS, OUTPUTS));
    expect(Math.max(...sizes)).toBeLessThan(DENSE / 1000);
    expect(maxDiff(results!.y, ref.y)).toBeLessThan(1e-5);
    expect(maxDiff(results!.dx, ref.dx)).toBeLessThan(1e-5);
    expect(maxDiff(results!.dw, ref.dw)).toBeLessThan(1e-5);
  });

  it('WASM: the module memory stays far below inputs · outputs · 4 bytes, no large typed array is made, and the results are right', async () => {
    const started = await SparseWasmRuntime.start();
    const runtime = started.runtime!;
    const products = wasmProducts(runtime);
    let results: ReturnType<typeof runAll> | undefined;
    const sizes = recordAllocations(() => (results = runAll(products)));
    const operands = 4 * (layer.kernel.nnz * 2 + INPUTS + 1 + 3 * BATCH * (INPUTS + OUTPUTS));
    expect(runtime.memoryBytes).toBeLessThan(operands + 2 * 65536 + 65536);
    expect(runtime.memoryBytes).toBeLessThan((DENSE * 4) / 64);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.max(BATCH * Math.max(INPUTS, OUTPUTS), layer.kernel.nnz));
    expect(maxDiff(results!.y, ref.y)).toBeLessThan(1e-5);
    expect(maxDiff(results!.dx, ref.dx)).toBeLessThan(1e-5);
    expect(maxDiff(results!.dw, ref.dw)).toBeLessThan(1e-5);
  });

  it('the recording sees a dense-sized allocation (toDense), so it would catch one in a product', () => {
    const small = SparseKernel.fromEntries(300, 200, { rows: [0], columns: [0], values: [1] });
    const sizes = recordAllocations(() => small.toDense());
    expect(sizes).toContain(300 * 200);
  });
});
