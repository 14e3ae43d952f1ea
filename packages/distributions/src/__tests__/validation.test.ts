import { describe, expect, it } from 'vitest';
import type { Distribution, LayerShape } from '@topiary/core';
import {
  customDistribution,
  distributionKinds,
  erdosRenyi,
  erdosRenyiKernel,
  redistributionKinds,
  uniform,
} from '../index.js';
import { denseLayer, lenet300100, lenet5 } from './fixtures.js';

const all: readonly [string, Distribution][] = [
  ['uniform', uniform()],
  ['er', erdosRenyi()],
  ['erk', erdosRenyiKernel()],
  ['custom', customDistribution({ densities: {}, default: 0.1 })],
];

describe.each(all)('%s rejects bad arguments to densities()', (_, distribution) => {
  it('rejects sparsities outside [0, 1)', () => {
    expect(() => distribution.densities(lenet5, 1)).toThrow(/sparsity must be a number in \[0, 1\), got 1$/);
    expect(() => distribution.densities(lenet5, -0.1)).toThrow(/sparsity must be a number in \[0, 1\), got -0.1/);
    expect(() => distribution.densities(lenet5, Number.NaN)).toThrow(/sparsity must be a number in \[0, 1\), got NaN/);
  });

  it('rejects a model with no prunable layer, saying what was expected', () => {
    expect(() => distribution.densities([], 0.5)).toThrow(
      /layers must be a non-empty list of masked layers \(dense or convolution kernels\); a model with no prunable layer cannot be sparsified, got \[\]/,
    );
  });

  it('rejects inconsistent layer facts, naming the layer and the field', () => {
    const bad = (patch: Partial<LayerShape>): LayerShape[] => [lenet5[0]!, { ...denseLayer('fc', 10, 10), ...patch }];
    expect(() => distribution.densities(bad({ size: 99 }), 0.5)).toThrow(/layers\[1\]\.size must be the product of the shape \(100\), got 99/);
    expect(() => distribution.densities(bad({ shape: [10, 0] }), 0.5)).toThrow(/layers\[1\]\.shape must be a non-empty list of positive integers, got \[10,0\]/);
    expect(() => distribution.densities(bad({ name: 'conv1/kernel' }), 0.5)).toThrow(/layers\[1\]\.name must be unique among the layers, got "conv1\/kernel"/);
    expect(() => distribution.densities(bad({ kind: 'lstm' as 'dense' }), 0.5)).toThrow(/layers\[1\]\.kind must be "dense", "conv" or "embedding", got "lstm"/);
    expect(() => distribution.densities(bad({ fanIn: 0 }), 0.5)).toThrow(/layers\[1\]\.fanIn must be a positive integer, got 0/);
  });
});

describe('option validation', () => {
  it.each([
    ['uniform', (dense: string[]) => uniform({ dense })],
    ['er', (dense: string[]) => erdosRenyi({ dense })],
    ['erk', (dense: string[]) => erdosRenyiKernel({ dense })],
    ['custom', (dense: string[]) => customDistribution({ densities: {}, default: 0.1, dense })],
  ] as const)('%s.dense: unknown names are named, with the available ones listed', (kind, make) => {
    expect(() => make(['fc2', 'fc9', 'conv1']).densities(lenet300100, 0.5)).toThrow(
      new RegExp(`^${kind}\\.dense must be names of masked layers; available layer names: "fc1", "fc2", "fc3" \\(kernel names such as "fc1/kernel" also match\\), got \\["fc9","conv1"\\]$`),
    );
  });

  it('dense must be a list of non-empty names', () => {
    expect(() => erdosRenyi({ dense: 'fc1' as unknown as string[] })).toThrow(/er\.dense: must be a list of layer names \(got "fc1"\)/);
    expect(() => erdosRenyiKernel({ dense: ['fc1', ''] })).toThrow(/erk\.dense\[1\]: must be a non-empty layer name \(got ""\)/);
    expect(() => uniform({ dense: [3 as unknown as string] })).toThrow(/uniform\.dense\[0\]: .* \(got 3\)/);
  });

  it('dense layers must fit in the budget', () => {
    expect(() => erdosRenyiKernel({ dense: ['fc1'] }).densities(lenet300100, 0.9)).toThrow(
      /erk\.dense must be layers holding at most \(1 − sparsity\) · Σ size = 26620 weights at sparsity 0.9, but they hold 235200, got \["fc1"\]/,
    );
    expect(() => uniform({ dense: ['fc1', 'fc2', 'fc3'] }).densities(lenet300100, 0.5)).toThrow(/uniform\.dense must be layers holding at most/);
    expect(uniform({ dense: ['fc1', 'fc2', 'fc3'] }).densities(lenet300100, 0)).toEqual([1, 1, 1]);
  });

  it('rejects unknown option keys, suggesting the nearest and listing the allowed ones', () => {
    expect(() => uniform({ denseFirst: true } as never)).toThrow('uniform: unknown key "denseFirst" (did you mean "denseFirstLayer"?); allowed: denseFirstLayer, dense');
    expect(() => erdosRenyiKernel({ power: 2 } as never)).toThrow('erk: unknown key "power" (did you mean "powerScale"?); allowed: powerScale, dense');
    expect(() => erdosRenyi({ powerScale: 2 } as never)).toThrow('er: unknown key "powerScale"; allowed: dense');
    expect(() => customDistribution({ densities: {}, fallback: 0.1 } as never)).toThrow('custom: unknown key "fallback"; allowed: densities, default, dense');
    expect(() => uniform(42 as never)).toThrow(/uniform: must be an options object with the keys "denseFirstLayer", "dense" \(got 42\)/);
  });

  it('uniform.denseFirstLayer must be a boolean', () => {
    expect(() => uniform({ denseFirstLayer: 'yes' as unknown as boolean })).toThrow(/uniform\.denseFirstLayer: must be true or false \(got "yes"\)/);
  });

  it('erk.powerScale must be a finite number ≥ 0', () => {
    expect(() => erdosRenyiKernel({ powerScale: -1 })).toThrow(/erk\.powerScale: must be ≥ 0 \(1 is ERK, 0 is uniform\) \(got -1\)/);
    expect(() => erdosRenyiKernel({ powerScale: Number.POSITIVE_INFINITY })).toThrow(/erk\.powerScale.*Infinity/);
    expect(() => erdosRenyiKernel({ powerScale: '1' as unknown as number })).toThrow(/erk\.powerScale.*got "1"/);
  });
});

describe('resolved options and kinds', () => {
  it('fills defaults and exposes them', () => {
    expect(uniform().options).toEqual({ denseFirstLayer: false, dense: [] });
    expect(erdosRenyi().options).toEqual({ dense: [] });
    expect(erdosRenyiKernel().options).toEqual({ powerScale: 1, dense: [] });
    expect(erdosRenyiKernel({ powerScale: 0.5, dense: ['fc1'] }).options).toEqual({ powerScale: 0.5, dense: ['fc1'] });
    expect(customDistribution({ densities: { fc1: 0.2 } }).options).toEqual({ densities: { fc1: 0.2 }, default: undefined, dense: [] });
  });

  it('copies the options, so later changes by the caller do not leak in', () => {
    const dense = ['fc3'];
    const densities: Record<string, number> = { fc1: 0.1, fc2: 0.1 };
    const distribution = customDistribution({ densities, dense });
    dense.push('fc1');
    densities.fc2 = 0.9;
    expect(distribution.densities(lenet300100, 0.9)).toEqual([0.1, 0.1, 1]);
  });

  it('lists every kind the factories produce', () => {
    const kinds = [uniform(), erdosRenyi(), erdosRenyiKernel(), customDistribution({ densities: {} })].map((d) => d.kind);
    expect([...distributionKinds]).toEqual(kinds);
    expect([...redistributionKinds]).toEqual(['momentum']);
  });
});
