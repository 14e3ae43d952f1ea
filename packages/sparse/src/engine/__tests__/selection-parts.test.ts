import fc from 'fast-check';
import { Rng, selectHighestInactive } from '@topiary/core';
import { describe, expect, it } from 'vitest';
import { SparseKernel } from '../../kernel/sparse-kernel.js';
import { AfterDrop } from '../after-drop.js';
import { sampledRandomGrowth } from '../grow-positions.js';
import { RunningTopK } from '../running-top-k.js';

const scoresArb = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 60 });

describe('RunningTopK', () => {
  it('keeps what selectHighestInactive selects over the whole array (ties to the lower position), in any offer order', () => {
    fc.assert(
      fc.property(scoresArb, fc.nat(), fc.boolean(), (scores, kSeed, reversed) => {
        const k = kSeed % (scores.length + 1);
        const top = new RunningTopK(k);
        const order = scores.map((_, p) => p);
        if (reversed) order.reverse();
        for (const p of order) top.offer(scores[p]!, p);
        const expected = [...selectHighestInactive(scores, new Uint8Array(scores.length), k)];
        expect([...top.positionsAscending()]).toEqual(expected);
      }),
    );
  });
});

/** A random mask of inputs × outputs and its kernel. */
const layerArb = fc.record({ inputs: fc.integer({ min: 1, max: 7 }), outputs: fc.integer({ min: 1, max: 7 }), seed: fc.nat() }).map(({ inputs, outputs, seed }) => {
  const rng = Rng.fromSeed(seed);
  const mask = Uint8Array.from({ length: inputs * outputs }, () => (rng.float() < 0.5 ? 1 : 0));
  const weights = Float32Array.from({ length: inputs * outputs }, (_, p) => p + 1);
  return { inputs, outputs, mask, kernel: SparseKernel.fromDense(weights, mask, inputs, outputs), rng };
});

describe('AfterDrop', () => {
  it('answers activity after the drop and builds the grown structure as the dense masks would, values and sources carried', () => {
    fc.assert(
      fc.property(layerArb, ({ inputs, outputs, mask, kernel, rng }) => {
        const dropped = Uint8Array.from({ length: kernel.nnz }, () => (rng.float() < 0.4 ? 1 : 0));
        const after = new AfterDrop(kernel, kernel.values, dropped);
        // the dense mask after the drop
        const dense = mask.slice();
        let j = 0;
        for (let p = 0; p < dense.length; p++) if (mask[p] === 1 && dropped[j++] === 1) dense[p] = 0;
        for (let p = 0; p < dense.length; p++) expect(after.isActive(p)).toBe(dense[p] === 1);
        const inactive = [...dense.keys()].filter((p) => dense[p] === 0);
        const grown = Float64Array.from(inactive.filter(() => rng.float() < 0.5));
        const { kernel: next, sources } = after.grow(grown);
        const expected = dense.slice();
        for (const p of grown) expected[p] = 1;
        expect([...next.toMask()]).toEqual([...expected]);
        // kept and regrown entries keep their values (p + 1) and point at their old entry; new ones are 0 and −1
        const positions = [...expected.keys()].filter((p) => expected[p] === 1);
        positions.forEach((p, k) => {
          if (mask[p] === 1) {
            expect(next.values[k]).toBe(p + 1);
            expect(kernel.values[sources[k]!]).toBe(p + 1);
          } else {
            expect(next.values[k]).toBe(0);
            expect(sources[k]).toBe(-1);
          }
        });
        expect(next.inputs).toBe(inputs);
        expect(next.outputs).toBe(outputs);
      }),
    );
  });
});

describe('sampledRandomGrowth', () => {
  it('draws k distinct inactive positions, each about equally often over seeds', () => {
    const mask = Uint8Array.from({ length: 40 }, (_, p) => (p % 4 === 0 ? 1 : 0));
    const kernel = SparseKernel.fromDense(new Float32Array(40), mask, 5, 8);
    const after = new AfterDrop(kernel, kernel.values, new Uint8Array(kernel.nnz));
    const counts = new Array<number>(40).fill(0);
    const rng = Rng.fromSeed(1);
    const runs = 3000;
    for (let r = 0; r < runs; r++) {
      const grown = sampledRandomGrowth(after, 3, rng);
      expect(new Set(grown).size).toBe(3);
      for (const p of grown) {
        expect(mask[p]).toBe(0);
        counts[p]!++;
      }
    }
    // 30 inactive positions, 3 grown per run: 300 expected each (binomial sd ≈ 16)
    for (let p = 0; p < 40; p++) {
      if (mask[p] === 1) expect(counts[p]).toBe(0);
      else expect(Math.abs(counts[p]! - 300)).toBeLessThan(80);
    }
  });

  it('lists the inactive positions when fewer than 2k remain, and still draws k distinct ones', () => {
    const mask = Uint8Array.from({ length: 12 }, (_, p) => (p < 9 ? 1 : 0));
    const kernel = SparseKernel.fromDense(new Float32Array(12), mask, 3, 4);
    const after = new AfterDrop(kernel, kernel.values, new Uint8Array(kernel.nnz));
    expect([...sampledRandomGrowth(after, 3, Rng.fromSeed(2))]).toEqual([9, 10, 11]);
  });
});
