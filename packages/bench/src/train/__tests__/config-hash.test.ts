import { describe, expect, it } from 'vitest';
import { labPlugin, pluginSetOf } from '../../plugins/__tests__/lab-plugin.js';
import { parseRunConfig } from '../config.js';
import { configHash, experimentIdentity, pluginsUsedBy } from '../config-hash.js';

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

describe('configHash with plugins', () => {
  const v1 = pluginSetOf({ './lab.mjs': labPlugin });
  const v2 = pluginSetOf({ './lab.mjs': labPlugin }, 'v2');
  const parse = (json: Record<string, unknown>) => parseRunConfig(json, v1);

  it('leaves the identity of a run that names no plugin as it is without plugins', () => {
    const config = parse({ algorithm: { method: 'rigl', sparsity: 0.9 } });
    expect(configHash(config, v1)).toBe(configHash(config));
    expect(configHash(config, v2)).toBe(configHash(config));
    expect(experimentIdentity(config, v1)).not.toHaveProperty('plugins');
  });

  it('adds the sha256 of each plugin a run names, so that a changed plugin file is another run', () => {
    for (const json of [
      { algorithm: { method: 'rigl', sparsity: 0.9, drop: { kind: 'lab:drop' } } },
      { model: { kind: 'lab:mlp' } },
      { data: { dataset: 'lab:blobs' } },
    ]) {
      const config = parse(json);
      expect(experimentIdentity(config, v1)['plugins']).toEqual([v1.plugins[0]!.sha256]);
      expect(configHash(config, v1)).not.toBe(configHash(config, v2));
      expect(pluginsUsedBy(config, v1).map((p) => p.path)).toEqual(['./lab.mjs']);
    }
  });

  it('does not depend on where the plugin file lies or how its path was written', () => {
    const config = parse({ model: { kind: 'lab:mlp' } });
    const moved = pluginSetOf({ '../elsewhere/lab.mjs': labPlugin });
    const same = { ...moved, plugins: moved.plugins.map((p) => ({ ...p, sha256: v1.plugins[0]!.sha256 })) };
    expect(configHash(config, same)).toBe(configHash(config, v1));
  });
});
