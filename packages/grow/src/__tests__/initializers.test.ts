import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  constantInit,
  growInitializerKinds,
  kaimingNormalInit,
  kaimingUniformInit,
  normalInit,
  receptiveFanIn,
  uniformInit,
  zerosInit,
} from '../index.js';
import type { GrowInitializerKind } from '../index.js';
import { layerOf, moments, valuesOf } from './fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const factories: Record<GrowInitializerKind, () => GrowInitializer> = {
  zeros: zerosInit,
  constant: () => constantInit(0.25),
  normal: () => normalInit({ std: 0.1 }),
  uniform: () => uniformInit({ limit: 0.2 }),
  'kaiming-normal': kaimingNormalInit,
  'kaiming-uniform': kaimingUniformInit,
};

const randomKinds = ['normal', 'uniform', 'kaiming-normal', 'kaiming-uniform'] as const;

async function draw(init: GrowInitializer, shape: number[], seed: number): Promise<number[]> {
  return valuesOf(init.values({ layer: layerOf(shape), rng: Rng.fromSeed(seed) }));
}

describe('grown-weight initialisers', () => {
  it('growInitializerKinds lists exactly the kinds the factories produce', () => {
    expect([...growInitializerKinds].sort()).toEqual(Object.keys(factories).sort());
    for (const kind of growInitializerKinds) expect(factories[kind]().kind).toBe(kind);
  });

  it.each(growInitializerKinds)('%s returns a float32 tensor of the layer shape and leaks nothing', (kind) => {
    const before = tf.memory().numTensors;
    const values = factories[kind]().values({ layer: layerOf([3, 3, 2, 4]), rng: Rng.fromSeed(1) });
    expect(values.shape).toEqual([3, 3, 2, 4]);
    expect(values.dtype).toBe('float32');
    values.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('zerosInit and constantInit fill every position, drawing no random numbers', async () => {
    const rng = Rng.fromSeed(4);
    expect(await valuesOf(zerosInit().values({ layer: layerOf([2, 3]), rng }))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await valuesOf(constantInit(-1.5).values({ layer: layerOf([2, 2]), rng }))).toEqual([-1.5, -1.5, -1.5, -1.5]);
    expect(rng.getState()).toEqual(Rng.fromSeed(4).getState());
  });

  it.each(randomKinds)('%s is identical for the same seed and differs for another seed', async (kind) => {
    const a = await draw(factories[kind](), [16, 8], 21);
    expect(await draw(factories[kind](), [16, 8], 21)).toEqual(a);
    expect(await draw(factories[kind](), [16, 8], 22)).not.toEqual(a);
  });

  it('normalInit draws N(0, σ²) from ctx.rng.normal() in flat order', async () => {
    const values = await draw(normalInit({ std: 0.5 }), [3, 2], 8);
    const rng = Rng.fromSeed(8);
    expect(values).toEqual(Array.from({ length: 6 }, () => Math.fround(0.5 * rng.normal())));
    const large = moments(await draw(normalInit({ std: 0.5 }), [300, 200], 2));
    expect(Math.abs(large.mean)).toBeLessThan(0.01);
    expect(large.std).toBeCloseTo(0.5, 2);
  });

  it('uniformInit stays in [−limit, limit) with variance limit²/3', async () => {
    const values = await draw(uniformInit({ limit: 0.3 }), [300, 200], 2);
    expect(values.reduce((a, b) => Math.min(a, b))).toBeGreaterThanOrEqual(-0.3);
    expect(values.reduce((a, b) => Math.max(a, b))).toBeLessThan(0.3);
    const { mean, std } = moments(values);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeCloseTo(0.3 / Math.sqrt(3), 2);
  });

  it('receptiveFanIn is fanIn for dense kernels and fanIn × kernel area for convolutions', () => {
    expect(receptiveFanIn(layerOf([784, 300]))).toBe(784);
    expect(receptiveFanIn(layerOf([5, 5, 6, 16]))).toBe(150);
    expect(receptiveFanIn(layerOf([3, 8, 4]))).toBe(24);
  });

  it('kaimingNormalInit uses σ = √(2 / fanIn), counting the kernel area for convolutions', async () => {
    const dense = moments(await draw(kaimingNormalInit(), [200, 300], 5));
    expect(Math.abs(dense.mean)).toBeLessThan(0.002);
    expect(dense.std / Math.sqrt(2 / 200)).toBeCloseTo(1, 1);
    const conv = moments(await draw(kaimingNormalInit(), [3, 3, 16, 256], 5));
    expect(conv.std / Math.sqrt(2 / 144)).toBeCloseTo(1, 1);
    // Ignoring the kernel area would give √(2/16) = 0.354 instead of 0.118.
    expect(Math.abs(conv.std - Math.sqrt(2 / 144))).toBeLessThan(0.01);
  });

  it('kaimingUniformInit uses limit = √(6 / fanIn)', async () => {
    const limit = Math.sqrt(6 / 144);
    const values = await draw(kaimingUniformInit(), [3, 3, 16, 256], 6);
    const largest = values.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
    expect(largest).toBeLessThanOrEqual(limit);
    expect(largest).toBeGreaterThan(0.99 * limit);
    expect(moments(values).std / Math.sqrt(2 / 144)).toBeCloseTo(1, 1);
  });

  it('rejects bad options, naming the field and the value', () => {
    expect(() => normalInit({ std: -0.1 })).toThrow(/normal\.std.*-0\.1/);
    expect(() => normalInit({ std: Number.NaN })).toThrow(/normal\.std/);
    expect(() => normalInit({} as { std: number })).toThrow(/normal\.std.*undefined/);
    expect(() => uniformInit({ limit: Infinity })).toThrow(/uniform\.limit.*Infinity/);
    expect(() => uniformInit({ limit: -1 })).toThrow(/uniform\.limit/);
    expect(() => constantInit(Number.NaN)).toThrow(/constant\.value.*NaN/);
    expect(() => constantInit('1' as unknown as number)).toThrow(/constant\.value/);
  });

  it('rejects layers it cannot size, naming the field', () => {
    const rng = Rng.fromSeed(1);
    expect(() => kaimingNormalInit().values({ layer: { ...layerOf([4, 2]), fanIn: 0 }, rng })).toThrow(/layer\.fanIn.*0/);
    expect(() => kaimingUniformInit().values({ layer: { ...layerOf([3, 3, 2, 2]), kernelSize: [3, -3] }, rng })).toThrow(
      /layer\.kernelSize/,
    );
    expect(() => normalInit({ std: 1 }).values({ layer: { ...layerOf([4, 2]), size: 9 }, rng })).toThrow(/layer\.size.*9/);
  });
});

describe('initializer options', () => {
  it('refuse unknown keys with the nearest one suggested', () => {
    expect(() => normalInit({ std: 0.1, stdev: 0.1 } as never)).toThrow('normal: unknown key "stdev" (did you mean "std"?); allowed: std');
    expect(() => uniformInit({ limt: 0.1 } as never)).toThrow('uniform: unknown key "limt" (did you mean "limit"?); allowed: limit');
  });
});
