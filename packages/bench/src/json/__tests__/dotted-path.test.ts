import { describe, expect, it } from 'vitest';
import { deepMerge, getPath, setPath, splitPath } from '../dotted-path.js';

describe('dotted paths', () => {
  it('reads nested values and reports missing ones as undefined', () => {
    const value = { algorithm: { method: 'rigl', distribution: { kind: 'erk' } }, seed: 0 };
    expect(getPath(value, 'algorithm.distribution.kind')).toBe('erk');
    expect(getPath(value, 'seed')).toBe(0);
    expect(getPath(value, 'algorithm.nothing.here')).toBeUndefined();
    expect(getPath(value, 'seed.inner')).toBeUndefined();
  });

  it('sets values on a copy, creating objects on the way', () => {
    const base = { algorithm: { method: 'rigl' } };
    const out = setPath(base, 'algorithm.distribution.kind', 'erk');
    expect(out).toEqual({ algorithm: { method: 'rigl', distribution: { kind: 'erk' } } });
    expect(base).toEqual({ algorithm: { method: 'rigl' } });
  });

  it('refuses to set through a non-object and rejects empty segments', () => {
    expect(() => setPath({ seed: 3 }, 'seed.x', 1)).toThrow(/"seed" holds 3, not an object/);
    expect(() => splitPath('a..b')).toThrow(/dot-separated keys/);
    expect(() => splitPath('')).toThrow(/dot-separated keys/);
  });

  it('deep-merges objects and replaces arrays and primitives', () => {
    const base = { training: { epochs: 3, batchSize: 64 }, model: { kind: 'mlp', hidden: [300, 100] } };
    const out = deepMerge(base, { training: { epochs: 1 }, model: { hidden: [50] } });
    expect(out).toEqual({ training: { epochs: 1, batchSize: 64 }, model: { kind: 'mlp', hidden: [50] } });
    expect(base.training.epochs).toBe(3);
  });
});
