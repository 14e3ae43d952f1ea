// Both implementations refuse bad operands with the same message, naming the product, the field and the value.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SparseKernel } from '../kernel/sparse-kernel.js';
import type { SparseProducts } from '../products/sparse-products.js';
import { sparseProducts } from '../select/select-products.js';
import { typescriptProducts } from '../typescript/typescript-products.js';
import { makeCase } from './fixtures.js';

let implementations: SparseProducts[];
beforeAll(async () => {
  implementations = [typescriptProducts(), await sparseProducts({ implementation: 'wasm' })];
});

const { kernel } = makeCase(4, 3, 1, 0.5, 1); // inputs 4, outputs 3
const f = (n: number): Float32Array => new Float32Array(n);

describe('operand checks', () => {
  it.each([
    ['batch 0', (p: SparseProducts) => p.forward(kernel, f(0), 0), 'forward: batch must be a positive integer, got 0'],
    ['batch 1.5', (p: SparseProducts) => p.backwardInput(kernel, f(3), 1.5), 'backwardInput: batch must be a positive integer, got 1.5'],
    ['x of the wrong length', (p: SparseProducts) => p.forward(kernel, f(7), 2), 'forward: x.length must be batch · inputs = 2 · 4 = 8, got 7'],
    ['x not a Float32Array', (p: SparseProducts) => p.forward(kernel, [1, 2, 3, 4] as unknown as Float32Array, 1), 'forward: x must be a Float32Array, got "Array"'],
    ['out of the wrong length', (p: SparseProducts) => p.forward(kernel, f(8), 2, f(5)), 'forward: out.length must be batch · outputs = 2 · 3 = 6, got 5'],
    ['dy of the wrong length', (p: SparseProducts) => p.backwardInput(kernel, f(8), 2), 'backwardInput: dy.length must be batch · outputs = 2 · 3 = 6, got 8'],
    ['dx out of the wrong length', (p: SparseProducts) => p.backwardInput(kernel, f(6), 2, f(6)), 'backwardInput: out.length must be batch · inputs = 2 · 4 = 8, got 6'],
    ['sampled x of the wrong length', (p: SparseProducts) => p.sampledGradient(kernel, f(4), f(6), 2), 'sampledGradient: x.length must be batch · inputs = 2 · 4 = 8, got 4'],
    ['sampled dy of the wrong length', (p: SparseProducts) => p.sampledGradient(kernel, f(8), f(3), 2), 'sampledGradient: dy.length must be batch · outputs = 2 · 3 = 6, got 3'],
    ['dw out of the wrong length', (p: SparseProducts) => p.sampledGradient(kernel, f(8), f(6), 2, f(kernel.nnz + 1)), `sampledGradient: out.length must be the kernel's nnz = ${kernel.nnz}, got ${kernel.nnz + 1}`],
    ['not a kernel', (p: SparseProducts) => p.forward({} as SparseKernel, f(4), 1), 'forward: kernel must be a SparseKernel, got "[object Object]"'],
  ] as const)('%s', (_name, call, message) => {
    for (const products of implementations) {
      expect(() => call(products), products.implementation).toThrow(RangeError);
      expect(() => call(products), products.implementation).toThrow(message);
    }
  });
});
