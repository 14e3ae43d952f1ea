import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MASK_SELECT_KERNEL, maskSelect, maskSelectOnHost, type MaskSelectMode } from '../mask-select-kernel.js';
import { Rng } from '../rng.js';

/** Options of {@link runMaskSelectSuite}. */
export interface MaskSelectSuiteOptions {
  /** Name of the describe block, e.g. the backend. */
  readonly name: string;
  /** Makes the backend under test active and registers its mask-select kernel. */
  readonly setup: () => Promise<void>;
  /** Largest layer size tried (one continuous case of this size per mode). @default 1_000_003 */
  readonly largest?: number;
}

/** How a case's scores are drawn. */
type ScoreKind = 'continuous' | 'ties' | 'constant' | 'integers';

/** Few distinct values with the awkward ones: infinities, both zeros, a subnormal, repeats. */
const TIE_POOL = [Number.NEGATIVE_INFINITY, -2.5, -1, -0, 0, 1e-40, 1, 1, 2.5, Number.POSITIVE_INFINITY];

/** One mask selection problem: flat scores and mask, how many to change, and which way. */
interface SelectCase {
  readonly label: string;
  readonly scores: Float32Array;
  readonly mask: Float32Array;
  readonly k: number;
  readonly mode: MaskSelectMode;
}

function drawScores(kind: ScoreKind, size: number, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    if (kind === 'continuous') out[i] = rng.normal();
    else if (kind === 'ties') out[i] = TIE_POOL[Math.floor(rng.float() * TIE_POOL.length)]!;
    else if (kind === 'constant') out[i] = 0.5;
    else out[i] = Math.floor(rng.float() * 7) - 3;
  }
  return out;
}

/** Seeded cases over sizes, score kinds, densities and k (1, all candidates, and in between), both modes. */
function selectCases(largest: number): SelectCase[] {
  const rng = Rng.fromSeed(20);
  const cases: SelectCase[] = [];
  for (const size of [1, 2, 7, 64, 1000, 4099, 65_537]) {
    for (const kind of ['continuous', 'ties', 'constant', 'integers'] as const) {
      const density = [0.1, 0.5, 0.9][cases.length % 3]!;
      const scores = drawScores(kind, size, rng);
      const mask = new Float32Array(size).map(() => (rng.float() < density ? 1 : 0));
      for (const mode of ['drop', 'grow'] as const) {
        const candidates = mask.reduce((n, m) => n + (mode === 'drop' ? m : 1 - m), 0);
        const ks = new Set([1, candidates, Math.max(1, Math.floor(candidates * rng.float()))].filter((k) => k >= 1 && k <= candidates));
        for (const k of ks) cases.push({ label: `${mode} ${k} of ${candidates} candidates, ${size} ${kind} scores`, scores, mask, k, mode });
      }
    }
  }
  const scores = drawScores('continuous', largest, rng);
  const mask = new Float32Array(largest).map(() => (rng.float() < 0.1 ? 1 : 0));
  const active = mask.reduce((n, m) => n + m, 0);
  cases.push({ label: `drop 30 % of ${largest} weights`, scores, mask, k: Math.round(0.3 * active), mode: 'drop' });
  cases.push({ label: `grow into ${largest} weights`, scores, mask, k: Math.round(0.3 * active), mode: 'grow' });
  return cases;
}

/** The mask the host quickselect produces: the reference every kernel must match exactly. */
function expectedMask({ scores, mask, k, mode }: SelectCase): Float32Array {
  return maskSelectOnHost(scores, mask, k, mode);
}

function firstDifference(a: Float32Array, b: Float32Array): string | undefined {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `position ${i}: got ${a[i]}, expected ${b[i]}`;
  return undefined;
}

/**
 * Checks a backend's mask-select kernel against the host quickselect: the same positions, exactly, for
 * continuous scores, heavy ties (±∞, −0 and +0, a subnormal), all-equal and small-integer scores, every
 * density, k from 1 to all candidates, and one large layer; also with inputs made by casts (tfjs may keep
 * such data in its source type) and without leaking tensors.
 */
export function runMaskSelectSuite(options: MaskSelectSuiteOptions): void {
  const largest = options.largest ?? 1_000_003;
  describe(`mask-select kernel: ${options.name}`, () => {
    beforeAll(options.setup);

    it('is registered for the active backend', () => {
      expect(tf.getKernel(MASK_SELECT_KERNEL, tf.getBackend()), `no ${MASK_SELECT_KERNEL} for ${tf.getBackend()}`).toBeDefined();
    });

    it('selects exactly the positions host selection selects, ties to the lower index', async () => {
      const failures: string[] = [];
      const before = tf.memory().numTensors;
      for (const c of selectCases(largest)) {
        const scores = tf.tensor1d(c.scores, 'float32');
        const mask = tf.tensor1d(c.mask, 'float32');
        const result = maskSelect(scores, mask, c.k, c.mode);
        const got = (await result.data()) as Float32Array;
        tf.dispose([scores, mask, result]);
        const difference = firstDifference(got, expectedMask(c));
        if (difference !== undefined) failures.push(`${c.label}: ${difference}`);
      }
      expect(failures).toEqual([]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('reads inputs made by casts from bool and int32', async () => {
      const rng = Rng.fromSeed(21);
      const size = 5000;
      const integers = drawScores('integers', size, rng);
      const mask = new Float32Array(size).map(() => (rng.float() < 0.3 ? 1 : 0));
      for (const mode of ['drop', 'grow'] as const) {
        const k = 400;
        const got = tf.tidy(() => {
          const scores = tf.cast(tf.tensor1d(Int32Array.from(integers), 'int32'), 'float32');
          const castMask = tf.cast(tf.tensor1d(Uint8Array.from(mask), 'bool'), 'float32');
          return maskSelect(scores, castMask, k, mode);
        });
        const values = (await got.data()) as Float32Array;
        got.dispose();
        expect(firstDifference(values, expectedMask({ label: '', scores: integers, mask, k, mode }))).toBeUndefined();
      }
    });
  });
}

/**
 * Wraps the active backend's mask-select kernel so that its calls are counted; `restore()` puts the original
 * back. For tests that check which selection path a trainer takes.
 */
export function countMaskSelectCalls(): { readonly calls: () => number; restore(): void } {
  const backend = tf.getBackend();
  const original = tf.getKernel(MASK_SELECT_KERNEL, backend);
  if (original === undefined) throw new Error(`countMaskSelectCalls: no ${MASK_SELECT_KERNEL} is registered for ${backend}`);
  let calls = 0;
  tf.unregisterKernel(MASK_SELECT_KERNEL, backend);
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      calls++;
      return original.kernelFunc(args);
    },
  });
  return {
    calls: () => calls,
    restore() {
      tf.unregisterKernel(MASK_SELECT_KERNEL, backend);
      tf.registerKernel(original);
    },
  };
}
