import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256OfJson } from '../../json/canonical-json.js';
import { parseShard, selectShard } from '../shard.js';

const runsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, hash: sha256OfJson({ i }) }));

describe('shards', () => {
  it('parses i/n and refuses bad shards with the allowed range', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('0/4')).toThrow(/--shard index must be between 1 and 4, got 0/);
    expect(() => parseShard('5/4')).toThrow(/between 1 and 4/);
    expect(() => parseShard('a/b')).toThrow(/i\/n/);
  });

  it('puts every run in exactly one shard, with sizes differing by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 7 }), (size, count) => {
        const runs = runsOf(size);
        const shards = Array.from({ length: count }, (_, i) => selectShard(runs, { index: i + 1, count }));
        const all = shards.flat().map((r) => r.index).sort((a, b) => a - b);
        expect(all).toEqual(runs.map((r) => r.index));
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('does not depend on the order of the suite', () => {
    const runs = runsOf(12);
    const a = selectShard(runs, { index: 2, count: 3 }).map((r) => r.hash).sort();
    const b = selectShard([...runs].reverse(), { index: 2, count: 3 }).map((r) => r.hash).sort();
    expect(a).toEqual(b);
  });
});
