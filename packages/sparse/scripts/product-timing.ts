// Timing pieces shared by the product scripts (resident-csr.ts, thread-scaling.ts): seeded operands, medians, and
// the per-call times of each product over a case's layers, the kernel handed over as the engine does
// (`structure.withValues(values)`), results into arrays made once.
import { Rng } from '@topiary/core';
import type { SparseKernel } from '../src/kernel/sparse-kernel.js';
import type { SparseProducts } from '../src/products/sparse-products.js';

/** The three products, in the order a step runs them. */
export const PRODUCTS = ['forward', 'backwardInput', 'sampledGradient'] as const;
/** One of {@link PRODUCTS}. */
export type Product = (typeof PRODUCTS)[number];

/** A seeded uniform source in [0, 1) (core's Rng). */
export function seeded(seed: number): () => number {
  const rng = Rng.fromSeed(seed);
  return () => rng.float();
}

/** The median of `xs`. */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Layers timed together (a step runs each layer's three products), at one batch size. */
export interface Case {
  /** What the table calls it. */
  readonly name: string;
  /** The layers. */
  readonly layers: readonly SparseKernel[];
  /** Examples per product. */
  readonly batch: number;
  /** Steps per measurement. */
  readonly calls: number;
}

/** A layer's operands and result arrays for one case. */
export interface Operands {
  /** X [batch, inputs]. */
  readonly x: Float32Array;
  /** dY [batch, outputs]. */
  readonly dy: Float32Array;
  /** Y's array. */
  readonly y: Float32Array;
  /** dX's array. */
  readonly dx: Float32Array;
  /** dW's array. */
  readonly dw: Float32Array;
}

/** Uniform operands in [−0.5, 0.5) for every layer of `c`. */
export function operandsFor(c: Case, random: () => number): Operands[] {
  return c.layers.map((layer) => ({
    x: Float32Array.from({ length: c.batch * layer.inputs }, () => random() - 0.5),
    dy: Float32Array.from({ length: c.batch * layer.outputs }, () => random() - 0.5),
    y: new Float32Array(c.batch * layer.outputs),
    dx: new Float32Array(c.batch * layer.inputs),
    dw: new Float32Array(layer.nnz),
  }));
}

/** Milliseconds formatted for a table: 3 significant places below 10. */
export const formatMs = (ms: number): string => (ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

/** Runs `calls` steps (each layer's three products) and returns the per-call ms of each product, summed over the layers. */
export function measure(products: SparseProducts, c: Case, operands: readonly Operands[]): Record<Product, number[]> {
  const times: Record<Product, number[]> = { forward: [], backwardInput: [], sampledGradient: [] };
  for (let call = 0; call < c.calls; call++) {
    const sum: Record<Product, number> = { forward: 0, backwardInput: 0, sampledGradient: 0 };
    c.layers.forEach((layer, l) => {
      const o = operands[l]!;
      const kernel = layer.withValues(layer.values);
      let t = performance.now();
      products.forward(kernel, o.x, c.batch, o.y);
      sum.forward += performance.now() - t;
      t = performance.now();
      products.backwardInput(kernel, o.dy, c.batch, o.dx);
      sum.backwardInput += performance.now() - t;
      t = performance.now();
      products.sampledGradient(kernel, o.x, o.dy, c.batch, o.dw);
      sum.sampledGradient += performance.now() - t;
    });
    for (const p of PRODUCTS) times[p].push(sum[p]);
  }
  return times;
}

