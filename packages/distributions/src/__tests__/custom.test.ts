import { describe, expect, it } from 'vitest';
import { customDistribution } from '../index.js';
import { lenet300100, lenet5 } from './fixtures.js';

describe('customDistribution', () => {
  it('returns the mapped densities in layer order', () => {
    const custom = customDistribution({ densities: { fc3: 0.5, fc1: 0.05, fc2: 0.2 } });
    expect(custom.densities(lenet300100, 0.9)).toEqual([0.05, 0.2, 0.5]);
  });

  it('fills unnamed layers with the default', () => {
    const custom = customDistribution({ densities: { conv1: 1 }, default: 0.1 });
    expect(custom.densities(lenet5, 0.9)).toEqual([1, 0.1, 0.1, 0.1, 0.1]);
  });

  it('prefers a kernel-name key over an owning-layer-name key', () => {
    const custom = customDistribution({ densities: { fc1: 0.3, 'fc1/kernel': 0.4 }, default: 0.1 });
    expect(custom.densities(lenet300100, 0.9)).toEqual([0.4, 0.1, 0.1]);
  });

  it('ignores the overall sparsity argument but still checks it', () => {
    const custom = customDistribution({ densities: {}, default: 0.25 });
    expect(custom.densities(lenet300100, 0)).toEqual(custom.densities(lenet300100, 0.99));
    expect(() => custom.densities(lenet300100, 1)).toThrow(/sparsity must be a number in \[0, 1\), got 1/);
  });

  it('holds dense layers at 1, and accepts a map entry of 1 for them', () => {
    expect(customDistribution({ densities: { fc1: 0.1, fc2: 0.1 }, dense: ['fc3'] }).densities(lenet300100, 0.9)).toEqual([0.1, 0.1, 1]);
    expect(customDistribution({ densities: { fc3: 1 }, default: 0.2, dense: ['fc3'] }).densities(lenet300100, 0.9)).toEqual([0.2, 0.2, 1]);
  });

  it('rejects a map entry that contradicts the dense option', () => {
    const custom = customDistribution({ densities: { fc3: 0.5 }, default: 0.2, dense: ['fc3'] });
    expect(() => custom.densities(lenet300100, 0.9)).toThrow(/custom\.densities\["fc3"\] must be 1 or absent.*got 0.5/);
  });

  it('rejects uncovered layers, naming them and the available names', () => {
    const custom = customDistribution({ densities: { fc1: 0.1 } });
    expect(() => custom.densities(lenet300100, 0.9)).toThrow(
      /custom\.densities must give a density for every masked layer.*missing: "fc2", "fc3".*available layer names: "fc1", "fc2", "fc3"/,
    );
  });

  it('rejects keys that name no layer', () => {
    const custom = customDistribution({ densities: { fc1: 0.1, conv9: 0.5 }, default: 0.1 });
    expect(() => custom.densities(lenet300100, 0.9)).toThrow(/custom\.densities keys must be names of masked layers; available layer names: "fc1", "fc2", "fc3".*got \["conv9"\]/);
  });

  it('rejects densities and defaults outside [0, 1] at construction', () => {
    expect(() => customDistribution({ densities: { fc1: 1.2 } })).toThrow(/custom\.densities\.fc1: must be a number in \[0, 1\] \(got 1.2\)/);
    expect(() => customDistribution({ densities: { fc1: -0.1 } })).toThrow(/custom\.densities\.fc1.*got -0.1/);
    expect(() => customDistribution({ densities: {}, default: Number.NaN })).toThrow(/custom\.default: .*NaN/);
    expect(() => customDistribution({ densities: [0.1] as unknown as Record<string, number> })).toThrow(/custom\.densities: must be an object mapping layer names/);
    expect(() => customDistribution(undefined as unknown as { densities: Record<string, number> })).toThrow(/custom must be an options object/);
  });

  it('does not read inherited properties as densities', () => {
    const layers = [{ ...lenet300100[0]!, name: 'toString', layerName: 'toString' }];
    expect(() => customDistribution({ densities: {} }).densities(layers, 0.5)).toThrow(/missing: "toString"/);
  });
});
