import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@topiary/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { setWasmMatMulKernels, wasm, wasmMatMulKernelsInfo } from '../index.js';
import { normalValues, relativeError, valuesOn } from './backend-fixtures.js';

beforeAll(async () => {
  await wasm({ kernelThreads: 2 }).setup();
});

function nativeCalls(kernel: string): { native: number; fallback: number; lastFallback: string | undefined } {
  return wasmMatMulKernelsInfo()!.calls[kernel]!;
}

interface Case {
  outerA: number[];
  outerB: number[];
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
}

function operandShapes(c: Case): { a: number[]; b: number[] } {
  return {
    a: [...c.outerA, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])],
    b: [...c.outerB, ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])],
  };
}

/** The product on wasm (Topiary's kernels) and on cpu, from the same seeded values. */
async function productOnBoth(c: Case, fused?: { bias?: number[]; activation: tf.fused.Activation; alpha?: number }, seed = 1) {
  const shapes = operandShapes(c);
  const rng = Rng.fromSeed(seed);
  const aValues = normalValues(rng, shapes.a.reduce((p, d) => p * d, 1));
  const bValues = normalValues(rng, shapes.b.reduce((p, d) => p * d, 1));
  const biasValues = fused?.bias ? normalValues(rng, fused.bias.reduce((p, d) => p * d, 1)) : undefined;
  const compute = () => {
    const a = tf.tensor(aValues, shapes.a);
    const b = tf.tensor(bValues, shapes.b);
    if (!fused) return tf.matMul(a, b, c.transposeA, c.transposeB);
    return tf.fused.matMul({
      a,
      b,
      transposeA: c.transposeA,
      transposeB: c.transposeB,
      ...(biasValues ? { bias: tf.tensor(biasValues, fused.bias!) } : {}),
      activation: fused.activation,
      ...(fused.alpha !== undefined ? { leakyreluAlpha: fused.alpha } : {}),
    });
  };
  const onWasm = await valuesOn('wasm', compute);
  const onCpu = await valuesOn('cpu', compute);
  return { wasm: onWasm, cpu: onCpu };
}

const flagCombos: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe("Topiary's BatchMatMul on wasm", () => {
  const edgeSizes: [number, number, number][] = [
    [1, 1, 1],
    [1, 9, 3],
    [7, 1, 5],
    [3, 5, 1],
    [5, 7, 3],
    [4, 8, 4],
    [9, 17, 33],
    [13, 8, 16],
    [100, 300, 784],
    [5, 6, 5000], // few column panels and a long inner dimension: split along k
    [3, 17, 9000],
    [1030, 9, 7], // tall: row blocks of 256 and a short last one
    [517, 33, 5],
  ];
  for (const [transposeA, transposeB] of flagCombos) {
    it.each(edgeSizes)(`m %i, n %i, k %i, transposeA ${transposeA}, transposeB ${transposeB}: matches cpu within 1e-5`, async (m, n, k) => {
      const before = nativeCalls('BatchMatMul').native;
      const { wasm: onWasm, cpu } = await productOnBoth({ outerA: [], outerB: [], m, n, k, transposeA, transposeB });
      expect(relativeError(onWasm, cpu)).toBeLessThanOrEqual(1e-5);
      expect(nativeCalls('BatchMatMul').native).toBe(before + 1);
    });
  }

  it.each([
    { outerA: [3], outerB: [3] },
    { outerA: [3], outerB: [1] },
    { outerA: [1], outerB: [4] },
    { outerA: [2, 3], outerB: [2, 3] },
    { outerA: [2, 3], outerB: [1, 1] },
  ])('batch dimensions $outerA × $outerB broadcast as on cpu', async ({ outerA, outerB }) => {
    for (const [transposeA, transposeB] of flagCombos) {
      const { wasm: onWasm, cpu } = await productOnBoth({ outerA, outerB, m: 5, n: 11, k: 6, transposeA, transposeB });
      expect(relativeError(onWasm, cpu)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('random shapes and flags match cpu (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          m: fc.integer({ min: 1, max: 40 }),
          n: fc.integer({ min: 1, max: 40 }),
          k: fc.integer({ min: 1, max: 70 }),
          batch: fc.integer({ min: 1, max: 3 }),
          broadcast: fc.constantFrom('none', 'a', 'b'),
          transposeA: fc.boolean(),
          transposeB: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        async ({ m, n, k, batch, broadcast, transposeA, transposeB, seed }) => {
          const outerA = batch === 1 ? [] : [broadcast === 'a' ? 1 : batch];
          const outerB = batch === 1 ? [] : [broadcast === 'b' ? 1 : batch];
          const { wasm: onWasm, cpu } = await productOnBoth({ outerA, outerB, m, n, k, transposeA, transposeB }, undefined, seed);
          expect(relativeError(onWasm, cpu)).toBeLessThanOrEqual(1e-5);
        },
      ),
      { numRuns: 60, seed: 8 },
    );
  });

  it('gives the same bits on one thread and on two', async () => {
    const c: Case = { outerA: [], outerB: [], m: 64, n: 96, k: 200, transposeA: true, transposeB: false };
    setWasmMatMulKernels({ threads: 1 });
    const one = (await productOnBoth(c)).wasm;
    setWasmMatMulKernels({ threads: 2 });
    const two = (await productOnBoth(c)).wasm;
    expect(Array.from(two)).toEqual(Array.from(one));
  });

  it("switches to tfjs's own kernel and back", async () => {
    setWasmMatMulKernels({ kernels: 'tfjs' });
    const before = nativeCalls('BatchMatMul');
    const { wasm: onWasm, cpu } = await productOnBoth({ outerA: [], outerB: [], m: 6, n: 5, k: 4, transposeA: false, transposeB: true });
    setWasmMatMulKernels({ kernels: 'topiary' });
    expect(relativeError(onWasm, cpu)).toBeLessThanOrEqual(1e-5);
    expect(nativeCalls('BatchMatMul')).toMatchObject({ native: before.native, fallback: before.fallback + 1, lastFallback: "switched to tfjs's kernels" });
  });

  it('refuses bad switches with the field and the value', () => {
    expect(() => setWasmMatMulKernels({ kernels: 'xnnpack' as 'tfjs' })).toThrow(/kernels must be 'topiary' or 'tfjs' \(got "xnnpack"\)/);
    expect(() => setWasmMatMulKernels({ threads: 0 })).toThrow(/active threads must be an integer in \[1, 2\] \(got 0\)/);
  });
});

describe("Topiary's _FusedMatMul on wasm", () => {
  const activations: { activation: tf.fused.Activation; alpha?: number }[] = [
    { activation: 'linear' },
    { activation: 'relu' },
    { activation: 'relu6' },
    { activation: 'leakyrelu', alpha: 0.1 },
  ];
  for (const { activation, alpha } of activations) {
    it.each([
      { bias: [11] },
      { bias: [1] },
      { bias: [1, 11] },
      {},
    ])(`${activation}, bias $bias, every transpose flag: matches cpu within 1e-5`, async ({ bias }) => {
      for (const [transposeA, transposeB] of flagCombos) {
        const before = nativeCalls('_FusedMatMul').native;
        const { wasm: onWasm, cpu } = await productOnBoth(
          { outerA: [], outerB: [], m: 9, n: 11, k: 13, transposeA, transposeB },
          { ...(bias ? { bias } : {}), activation, ...(alpha !== undefined ? { alpha } : {}) },
        );
        expect(relativeError(onWasm, cpu)).toBeLessThanOrEqual(1e-5);
        expect(nativeCalls('_FusedMatMul').native).toBe(before + 1);
      }
    });
  }

  it.each(['elu', 'sigmoid'] as const)("hands %s to tfjs's own kernel, with the same result as cpu", async (activation) => {
    const before = nativeCalls('_FusedMatMul');
    const { wasm: onWasm, cpu } = await productOnBoth({ outerA: [], outerB: [], m: 5, n: 6, k: 7, transposeA: false, transposeB: false }, { bias: [6], activation });
    expect(relativeError(onWasm, cpu)).toBeLessThanOrEqual(1e-5);
    expect(nativeCalls('_FusedMatMul')).toMatchObject({ native: before.native, fallback: before.fallback + 1, lastFallback: `activation ${activation}` });
  });

  it("hands PReLU (weights per column) to tfjs's own kernel", async () => {
    const before = nativeCalls('_FusedMatMul');
    const rng = Rng.fromSeed(3);
    const [a, b, slopes] = [normalValues(rng, 5 * 7), normalValues(rng, 7 * 6), normalValues(rng, 6)];
    const compute = () =>
      tf.fused.matMul({ a: tf.tensor(a, [5, 7]), b: tf.tensor(b, [7, 6]), activation: 'prelu', preluActivationWeights: tf.tensor(slopes, [6]) });
    const onWasm = await valuesOn('wasm', compute);
    const onCpu = await valuesOn('cpu', compute);
    expect(relativeError(onWasm, onCpu)).toBeLessThanOrEqual(1e-5);
    expect(nativeCalls('_FusedMatMul')).toMatchObject({ native: before.native, fallback: before.fallback + 1, lastFallback: 'activation prelu' });
  });
});

describe('gradients through the kernels', () => {
  it('match cpu for a dense layer with bias and relu, all flags', async () => {
    const rng = Rng.fromSeed(5);
    const x = normalValues(rng, 12 * 20);
    const w = normalValues(rng, 20 * 7);
    const bias = normalValues(rng, 7);
    for (const [transposeA, transposeB] of flagCombos) {
      const gradients = async (backend: 'cpu' | 'wasm') => {
        await tf.setBackend(backend);
        const xs = tf.tensor(x, transposeA ? [20, 12] : [12, 20]);
        const ws = tf.tensor(w, transposeB ? [7, 20] : [20, 7]);
        const bs = tf.tensor(bias, [7]);
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.square(tf.fused.matMul({ a, b, bias: c, transposeA, transposeB, activation: 'relu' })));
        const grads = tf.grads(f)([xs, ws, bs]);
        const values = await Promise.all(grads.map((g) => g.data()));
        tf.dispose([xs, ws, bs, ...grads]);
        return values;
      };
      const onWasm = await gradients('wasm');
      const onCpu = await gradients('cpu');
      onWasm.forEach((g, i) => expect(relativeError(g, onCpu[i]!)).toBeLessThanOrEqual(1e-5));
    }
  });
});
