import { describe, expect, it } from 'vitest';
import { findCycles, type Graph } from '../find-cycles.js';
import { folderOf } from '../folder-graph.js';
import { packageNameOf } from '../workspace-packages.js';

const graph = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges).map(([node, next]) => [node, new Set(next)]));

describe('findCycles', () => {
  it('finds nothing in a graph without cycles, and ignores a node importing itself', () => {
    expect(findCycles(graph({ a: ['b', 'c'], b: ['c'], c: ['c'] }))).toEqual([]);
  });

  it('gives one shortest chain per component, starting at its first member', () => {
    const cycles = findCycles(graph({ c: ['a'], a: ['b'], b: ['c', 'a'], x: ['y'], y: ['x'], z: ['a'] }));
    expect(cycles).toEqual([
      { members: ['a', 'b', 'c'], chain: ['a', 'b', 'a'] },
      { members: ['x', 'y'], chain: ['x', 'y', 'x'] },
    ]);
  });

  it('handles a long cycle without recursion limits', () => {
    const n = 20_000;
    const edges = Object.fromEntries(Array.from({ length: n }, (_, i) => [`n${String(i).padStart(5, '0')}`, [`n${String((i + 1) % n).padStart(5, '0')}`]]));
    const [cycle] = findCycles(graph(edges));
    expect(cycle?.members).toHaveLength(n);
    expect(cycle?.chain).toHaveLength(n + 1);
  });
});

describe('folderOf and packageNameOf', () => {
  it('counts a __tests__ folder, with everything below it, as one folder', () => {
    expect(folderOf('packages/bench/src/suite/load-suite.ts')).toBe('packages/bench/src/suite');
    expect(folderOf('packages/bench/src/suite/__tests__/load-suite.test.ts')).toBe('packages/bench/src/suite/__tests__');
    expect(folderOf('packages/backend-webgpu/src/__tests__/browser/page.ts')).toBe('packages/backend-webgpu/src/__tests__');
  });

  it('reads the package name of a bare specifier', () => {
    expect(packageNameOf('@topiary/core/testing')).toBe('@topiary/core');
    expect(packageNameOf('zod')).toBe('zod');
    expect(packageNameOf('pure-rand/distribution/uniformInt')).toBe('pure-rand');
  });
});
