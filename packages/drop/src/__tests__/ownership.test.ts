import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dropCriterionDescriptors, dropCriterionKinds, magnitudeDrop } from '../index.js';
import { createExample } from '@topiary/core';
import type { DropCriterion } from '@topiary/core';
import { contextOf, disposeContext } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Every descriptor built from its example options, plus the option paths that take another code path. */
const cases: [string, () => DropCriterion][] = [
  ...dropCriterionDescriptors.map((d): [string, () => DropCriterion] => [d.kind, () => createExample(d)]),
  ['magnitude with tie-break noise', () => magnitudeDrop({ tieBreakNoise: 1e-5 })],
];

function context() {
  return contextOf([3, 4], [0.1, -0.2, 0, 0.4, -0.5, 0.6, 0.7, -0.8, 0.9, 0, -1.1, 1.2], [1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 1, 1], {
    gradient: [1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6],
  });
}

describe('drop criteria: shared contract', () => {
  it('every descriptor builds a criterion of its own kind, and dropCriterionKinds lists them', () => {
    expect(dropCriterionKinds).toEqual(dropCriterionDescriptors.map((d) => d.kind));
    for (const d of dropCriterionDescriptors) expect(createExample(d).kind).toBe(d.kind);
    expect(new Set(dropCriterionKinds).size).toBe(dropCriterionKinds.length);
  });

  it.each(cases)('%s returns a new float32 tensor of the kernel shape and leaks nothing', (_, create) => {
    const ctx = context();
    const before = tf.memory().numTensors;
    const score = create().score(ctx);
    expect(score.shape).toEqual([3, 4]);
    expect(score.dtype).toBe('float32');
    expect([ctx.weight, ctx.mask, ctx.gradient]).not.toContain(score);
    score.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(ctx.weight.isDisposed || ctx.mask.isDisposed || ctx.gradient!.isDisposed).toBe(false);
    disposeContext(ctx);
  });

  it.each(cases)('%s scores without synchronous tensor reads', (_, create) => {
    const reads = ['dataSync', 'arraySync', 'bufferSync'] as const;
    const spies = reads.map((name) => vi.spyOn(tf.Tensor.prototype, name));
    const ctx = context();
    create().score(ctx).dispose();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    disposeContext(ctx);
  });
});
