import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng, selectLowestActive } from '@topiary/core';
import { setDrop } from '@topiary/drop';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectSetDrop } from '../set-drop-selection.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The `set` criterion's scores of the nonzeros, scored as a 1-D kernel of them (as the engine scored drop criteria). */
async function criterionScores(values: Float32Array): Promise<Float32Array> {
  const nnz = values.length;
  const layer = { name: 'd/kernel', layerName: 'd', kind: 'dense' as const, shape: [nnz], size: nnz, fanIn: nnz, fanOut: 1, kernelSize: [], outputPositions: 1, hasBias: false };
  const scores = tf.tidy(() => setDrop().score({ layer, weight: tf.tensor1d(values), mask: tf.ones([nnz]), step: 0, rng: Rng.fromSeed(0) }));
  const data = (await scores.data()) as Float32Array;
  scores.dispose();
  return data;
}

/** The k lowest criterion scores, ties to the lower position. */
const lowest = (scores: Float32Array, k: number): number[] => [...selectLowestActive(scores, new Uint8Array(scores.length).fill(1), k)];

/** The tfjs path: the criterion's scores, then the k lowest. */
async function criterionSelection(values: Float32Array, k: number): Promise<number[]> {
  return lowest(await criterionScores(values), k);
}

/** Layers with many ties: small integers (zeros, −0, both signs), or a few distinct magnitudes scaled to fractions. */
const layerArb = fc
  .record({
    weights: fc.array(fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constant(-0), fc.integer({ min: -3, max: 3 }).map((v) => v / 8)), { minLength: 1, maxLength: 120 }),
    kSeed: fc.nat(),
  })
  .map(({ weights, kSeed }) => ({ values: Float32Array.from(weights), k: kSeed % (weights.length + 1) }));

describe('selectSetDrop', () => {
  it('drops the positions the set criterion and selectLowestActive drop (ties, zeros, both signs, k from 0 to nnz)', async () => {
    await fc.assert(
      fc.asyncProperty(layerArb, async ({ values, k }) => {
        expect([...selectSetDrop(values, k)]).toEqual(await criterionSelection(values, k));
      }),
      { numRuns: 400 },
    );
  });

  it('matches the criterion on layers of distinct magnitudes with unequal sign groups', async () => {
    const rng = Rng.fromSeed(7);
    for (const [nnz, positiveShare] of [[1000, 0.5], [999, 0.1], [1500, 0.97], [2048, 0.5]] as const) {
      const values = Float32Array.from({ length: nnz }, () => (rng.float() < positiveShare ? 1 : -1) * (rng.float() + 1e-3));
      for (const k of [1, 2, Math.round(0.3 * nnz), Math.round(0.5 * nnz), nnz - 1, nnz]) {
        expect([...selectSetDrop(values, k)]).toEqual(await criterionSelection(values, k));
      }
    }
  });

  it('ties an i/n₊ and a j/n₋ that differ but round to the same float32 by position, as the criterion does', async () => {
    const [positives, negatives] = [40009, 39989];
    const rng = Rng.fromSeed(11);
    const signs: number[] = Array.from({ length: positives + negatives }, (_, p) => (p < positives ? 1 : -1));
    for (let p = signs.length - 1; p > 0; p--) {
      const q = Math.floor(rng.float() * (p + 1));
      [signs[p], signs[q]] = [signs[q]!, signs[p]!];
    }
    const values = Float32Array.from(signs, (sign, p) => sign * (1 + p)); // distinct magnitudes, rank by position
    const scores = await criterionScores(values);
    // k = i + j − 1 drops exactly one of the pair: the lower position (not the smaller fraction)
    const ks: number[] = [];
    for (let i = 1, j = 1; i <= positives && ks.length < 12; i++) {
      while (j < negatives && Math.fround(j / negatives) < Math.fround(i / positives)) j++;
      if (Math.fround(j / negatives) === Math.fround(i / positives) && i * negatives !== j * positives) ks.push(i + j - 1);
    }
    expect(ks.length).toBe(12);
    for (const k of ks) expect([...selectSetDrop(values, k)]).toEqual(lowest(scores, k));
  });

  it('drops zeros first, lowest positions first, and ranks each sign group by |w| then position', () => {
    const values = Float32Array.from([3, 0, -1, 1, 0, -2, 1, -0]);
    expect([...selectSetDrop(values, 2)]).toEqual([1, 4]);
    expect([...selectSetDrop(values, 3)]).toEqual([1, 4, 7]);
    // positives: 1@3 (1/3), 1@6 (2/3), 3@0 (1); negatives: −1@2 (1/2), −2@5 (1)
    expect([...selectSetDrop(values, 4)]).toEqual([1, 3, 4, 7]);
    expect([...selectSetDrop(values, 5)]).toEqual([1, 2, 3, 4, 7]);
    expect([...selectSetDrop(values, 6)]).toEqual([1, 2, 3, 4, 6, 7]);
    // 3@0 and −2@5 both score 1: the lower position first
    expect([...selectSetDrop(values, 7)]).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect([...selectSetDrop(values, 0)]).toEqual([]);
  });

  it('refuses k outside [0, nnz]', () => {
    const values = Float32Array.from([1, -1]);
    expect(() => selectSetDrop(values, 3)).toThrow(RangeError);
    expect(() => selectSetDrop(values, -1)).toThrow(RangeError);
    expect(() => selectSetDrop(values, 1.5)).toThrow(RangeError);
  });

  it('beyond 2²⁴ weights of a sign, ties equal float32 scores by position as the criterion does (ranks stop at 2²⁴)', () => {
    // n positive weights, |w| descending with the position, so rank r sits at position n − r. In float32 the
    // criterion's rank (a cumulative sum) stops at 2²⁴ and neighbouring r / n round together: ties by score, not by rank.
    const n = 2 ** 24 + 4;
    const bits = new Uint32Array(n);
    for (let p = 0; p < n; p++) bits[p] = 0x3f800000 + (n - p); // distinct float32 magnitudes from 1 up, by position descending
    const values = new Float32Array(bits.buffer);
    // The criterion's scores, from its float32 ops in its rank order (known here without a sort).
    const cumulative = new Float32Array(1);
    const size = Math.fround(n);
    const scores = new Float32Array(n);
    for (let r = 1; r <= n; r++) {
      cumulative[0] = cumulative[0]! + 1;
      scores[n - r] = cumulative[0]! / size;
    }
    const k = n - 2;
    const expected = selectLowestActive(scores, new Uint8Array(n).fill(1), k);
    const actual = selectSetDrop(values, k);
    expect(actual.length).toBe(k);
    expect(expected.length).toBe(k);
    expect(actual.findIndex((p, i) => p !== expected[i])).toBe(-1);
    // a rank prefix (ranks 1..k, i.e. positions 2..n − 1) is not what the criterion drops
    expect(actual[0]).toBe(0);
  }, 120_000);
});
