import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config.js';
import { configHash, experimentIdentity } from '../config-hash.js';

describe('the engine in a run identity', () => {
  const config = (engine?: string) => parseRunConfig({ algorithm: { method: 'rigl', sparsity: 0.9 }, ...(engine === undefined ? {} : { engine }) });

  it('leaves masked runs with the hash they had before there was a choice', () => {
    expect(experimentIdentity(config('masked'))).not.toHaveProperty('engine');
    expect(configHash(config('masked'))).toBe(configHash(config()));
  });

  it('makes sparse and auto runs experiments of their own', () => {
    const hashes = new Set(['masked', 'sparse', 'auto'].map((engine) => configHash(config(engine))));
    expect(hashes.size).toBe(3);
    expect(experimentIdentity(config('auto'))).toMatchObject({ engine: 'auto' });
  });

  it('refuses an unknown engine, naming the field and the choices', () => {
    expect(() => config('dense')).toThrow(/engine[\s\S]*masked[\s\S]*sparse[\s\S]*auto/);
  });
});
