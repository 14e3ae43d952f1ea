import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256OfJson } from '../canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 'x' }], c: undefined } })).toBe('{"a":{"d":[1,{"y":"x","z":0}]},"b":1}');
  });

  it('is independent of key order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          const reversed = Object.fromEntries(Object.entries(value).reverse());
          expect(canonicalJson(reversed)).toBe(text);
        }
      }),
    );
  });

  it('refuses values JSON cannot hold, naming where', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\] must be a finite number/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/\$\.f is a function/);
  });

  it('hashes equal values equally and different values differently', () => {
    expect(sha256OfJson({ a: 1, b: 2 })).toBe(sha256OfJson({ b: 2, a: 1 }));
    expect(sha256OfJson({ a: 1 })).not.toBe(sha256OfJson({ a: 2 }));
    expect(sha256OfJson({})).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });
});
