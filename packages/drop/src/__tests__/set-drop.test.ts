import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectLowestActive } from '@topiary/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { setDrop } from '../index.js';
import { contextOf, disposeContext, valuesOf } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function setScores(shape: number[], weight: number[], mask: number[]): Promise<number[]> {
  const ctx = contextOf(shape, weight, mask);
  const values = await valuesOf(setDrop().score(ctx));
  disposeContext(ctx);
  return values;
}

/** Brute force of SET's rule: the `count` active weights of one sign closest to zero (ties by index). */
function closestToZero(weight: number[], mask: number[], sign: 1 | -1, count: number): number[] {
  return weight
    .map((w, i) => ({ w, i }))
    .filter(({ w, i }) => mask[i] === 1 && Math.sign(w) === sign)
    .sort((a, b) => Math.abs(a.w) - Math.abs(b.w) || a.i - b.i)
    .slice(0, count)
    .map(({ i }) => i)
    .sort((a, b) => a - b);
}

describe('setDrop', () => {
  it('scores each active weight by its rank within its sign group over the group size', async () => {
    // positives (active): 0.5, 0.2, 0.9, 0.05 -> ranks 3, 2, 4, 1 of 4; negatives (active): -0.1, -0.7 -> 1, 2 of 2.
    const weight = [0.5, -0.1, 0.2, -0.7, 0.9, -0.3, 0.05, 0];
    const mask = [1, 1, 1, 1, 1, 0, 1, 1];
    const scores = await setScores([8], weight, mask);
    const expected = [3 / 4, 1 / 2, 2 / 4, 2 / 2, 4 / 4, 1, 1 / 4, 0];
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 6));
  });

  it('gives active zero weights score 0 so they are dropped first, and ranks equal magnitudes by index', async () => {
    const weight = [0.2, 0, 0.2, -0.4, 0.2, 0];
    const mask = [1, 1, 1, 1, 1, 1];
    const scores = await setScores([2, 3], weight, mask);
    const expected = [1 / 3, 0, 2 / 3, 1, 1, 0];
    scores.forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 6));
    expect([...selectLowestActive(scores, mask, 3)]).toEqual([0, 1, 5]);
  });

  it('keeps the kernel shape for convolution kernels', async () => {
    const ctx = contextOf([2, 2, 1, 2], [1, -1, 2, -2, 3, -3, 4, -4], [1, 1, 1, 1, 1, 1, 1, 1]);
    const score = setDrop().score(ctx);
    expect(score.shape).toEqual([2, 2, 1, 2]);
    expect(score.dtype).toBe('float32');
    const values = await valuesOf(score);
    [0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1].forEach((e, i) => expect(values[i]).toBeCloseTo(e, 6));
    disposeContext(ctx);
  });

  it('removes the same fraction from lopsided sign groups (90 positive, 30 negative, ζ = 0.3)', async () => {
    // Interleave the signs so that flat order and magnitude order disagree.
    const weight = Array.from({ length: 120 }, (_, i) => (i % 4 === 1 ? -(i + 1) : 121 - i) / 100);
    const mask = weight.map(() => 1);
    const scores = await setScores([120], weight, mask);
    const dropped = [...selectLowestActive(scores, mask, 36)];
    const expected = [...closestToZero(weight, mask, 1, 27), ...closestToZero(weight, mask, -1, 9)].sort((a, b) => a - b);
    expect(dropped).toEqual(expected);
  });

  it('with k = round(ζ·active) drops the ζ positives and ζ negatives closest to zero, within ±1 per sign', async () => {
    // Distinct magnitudes; the share of negative weights varies per case so the sign groups are often lopsided.
    const caseArb = fc
      .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 300, size: 'max' }), fc.integer({ min: 0, max: 10 }))
      .chain(([magnitudes, negativeShare]) =>
        fc.record({
          weight: fc.tuple(
            ...magnitudes.map((m) => fc.integer({ min: 0, max: 9 }).map((r) => ((r < negativeShare ? -m : m) / 1000))),
          ),
          mask: fc.array(fc.integer({ min: 0, max: 4 }).map((v) => (v === 0 ? 0 : 1)), {
            minLength: magnitudes.length,
            maxLength: magnitudes.length,
          }),
          zeta: fc.integer({ min: 0, max: 100 }).map((percent) => percent / 100),
        }),
      );
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ weight, mask, zeta }) => {
        const active = mask.filter((m) => m === 1).length;
        const k = Math.round(zeta * active);
        const scores = await setScores([weight.length], weight, mask);
        const dropped = [...selectLowestActive(scores, mask, k)];
        const droppedPositive = dropped.filter((i) => weight[i]! > 0);
        const droppedNegative = dropped.filter((i) => weight[i]! < 0);
        for (const [group, sign] of [
          [droppedPositive, 1],
          [droppedNegative, -1],
        ] as const) {
          const groupSize = weight.filter((w, i) => mask[i] === 1 && Math.sign(w) === sign).length;
          expect(Math.abs(group.length - Math.round(zeta * groupSize))).toBeLessThanOrEqual(1);
          expect(group).toEqual(closestToZero(weight, mask, sign, group.length));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('needs neither gradient nor momentum', () => {
    expect(setDrop().kind).toBe('set');
    expect(setDrop().needs?.gradient ?? false).toBe(false);
    expect(setDrop().needs?.momentum ?? false).toBe(false);
  });
});
