import { describe, expect, it } from 'vitest';
import { labelOf } from '../axis-label.js';

describe('labelOf', () => {
  it('keeps primitives as they are', () => {
    expect(labelOf(0.9)).toBe(0.9);
    expect(labelOf('rigl')).toBe('rigl');
    expect(labelOf(false)).toBe(false);
    expect(labelOf(null)).toBeNull();
  });

  it('labels objects and arrays with their canonical JSON', () => {
    expect(labelOf({ kind: 'erk', power: 1 })).toBe('{"kind":"erk","power":1}');
    expect(labelOf({ power: 1, kind: 'erk' })).toBe(labelOf({ kind: 'erk', power: 1 }));
    expect(labelOf([1, { b: 2, a: 1 }])).toBe('[1,{"a":1,"b":2}]');
  });
});
