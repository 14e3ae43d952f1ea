import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config.js';
import { configHash } from '../config-hash.js';

const run = (data: Record<string, unknown>) => parseRunConfig({ algorithm: { method: 'dense' }, data });

describe('configHash', () => {
  it('ignores where a named data set is read from', () => {
    expect(configHash(run({ dataset: 'fashion-mnist', dir: '/a' }))).toBe(configHash(run({ dataset: 'fashion-mnist', dir: '/b' })));
  });

  it('tells apart idx and npy data sets in different folders (MNIST and KMNIST share a format)', () => {
    expect(configHash(run({ dataset: 'idx', dir: 'data/mnist' }))).not.toBe(configHash(run({ dataset: 'idx', dir: 'data/kmnist' })));
    expect(configHash(run({ dataset: 'npy', dir: 'data/a' }))).not.toBe(configHash(run({ dataset: 'npy', dir: 'data/b' })));
  });
});
