import { describe, expect, it } from 'vitest';
import { expandGrid } from '../expand-grid.js';
import { suiteSchema } from '../suite-schema.js';

const parse = (json: unknown) => suiteSchema.parse(json);

describe('expandGrid', () => {
  it('takes the cartesian product of the axis map, first axis outermost', () => {
    const runs = expandGrid(
      parse({ name: 's', base: { training: { epochs: 2 } }, axes: { 'algorithm.method': ['rigl', 'set'], seed: [0, 1, 2] } }),
    );
    expect(runs).toHaveLength(6);
    expect(runs.map((r) => [r.axes['algorithm.method'], r.axes['seed']])).toEqual([
      ['rigl', 0], ['rigl', 1], ['rigl', 2], ['set', 0], ['set', 1], ['set', 2],
    ]);
    expect(runs[4]!.raw).toEqual({ training: { epochs: 2 }, algorithm: { method: 'set' }, seed: 1 });
    expect(runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('merges variants as partial configs and labels them', () => {
    const runs = expandGrid(
      parse({
        name: 's',
        base: { algorithm: { sparsity: 0.9 } },
        axes: [
          {
            kind: 'variants',
            name: 'method',
            variants: [
              { label: 'RigL (ERK)', config: { algorithm: { method: 'rigl', distribution: { kind: 'erk' } } } },
              { label: 'RigL (uniform)', config: { algorithm: { method: 'rigl', distribution: { kind: 'uniform' } } } },
            ],
          },
          { kind: 'values', path: 'seed', values: [0, 1] },
        ],
      }),
    );
    expect(runs).toHaveLength(4);
    expect(runs[2]!.axes).toEqual({ method: 'RigL (uniform)', seed: 0 });
    expect(runs[2]!.raw).toEqual({ algorithm: { sparsity: 0.9, method: 'rigl', distribution: { kind: 'uniform' } }, seed: 0 });
  });

  it('zips paths position by position', () => {
    const runs = expandGrid(
      parse({
        name: 's',
        axes: [{ kind: 'zip', name: 'schedule', paths: { 'training.epochs': [1, 5], 'training.learningRate': [0.1, 0.05] }, labels: ['short', 'long'] }],
      }),
    );
    expect(runs.map((r) => r.raw)).toEqual([
      { training: { epochs: 1, learningRate: 0.1 } },
      { training: { epochs: 5, learningRate: 0.05 } },
    ]);
    expect(runs.map((r) => r.axes['schedule'])).toEqual(['short', 'long']);
  });

  it('labels object values with canonical JSON and concatenates grids over their own bases', () => {
    const runs = expandGrid(
      parse({
        name: 's',
        base: { training: { epochs: 1 } },
        grids: [
          { label: 'dense', base: { algorithm: { method: 'dense', sparsity: 0 } }, axes: { seed: [0, 1] } },
          { axes: { 'algorithm.distribution': [{ kind: 'erk', power: 1 }] } },
        ],
      }),
    );
    expect(runs).toHaveLength(3);
    expect(runs[0]!.grid).toBe('dense');
    expect(runs[1]!.raw).toEqual({ training: { epochs: 1 }, algorithm: { method: 'dense', sparsity: 0 }, seed: 1 });
    expect(runs[2]!.grid).toBe('grids[1]');
    expect(runs[2]!.axes['algorithm.distribution']).toBe('{"kind":"erk","power":1}');
  });

  it('gives one run for a suite without axes', () => {
    expect(expandGrid(parse({ name: 's', base: { seed: 4 } })).map((r) => r.raw)).toEqual([{ seed: 4 }]);
  });

  it('refuses repeated axis names within a grid', () => {
    const suite = parse({
      name: 's',
      axes: [
        { kind: 'values', path: 'seed', values: [0] },
        { kind: 'values', path: 'training.epochs', name: 'seed', values: [1] },
      ],
    });
    expect(() => expandGrid(suite)).toThrow(/"seed" appears twice/);
  });
});

describe('suiteSchema', () => {
  it('rejects unequal zipped lists and both axes and grids', () => {
    expect(() => parse({ name: 's', axes: [{ kind: 'zip', name: 'z', paths: { a: [1, 2], b: [1] } }] })).toThrow(/same length/);
    expect(() => parse({ name: 's', axes: {}, grids: [{ axes: {} }] })).toThrow(/give either .*axes.* or .*grids.*, not both/);
    expect(() => parse({ name: 's', axes: { seed: [] } })).toThrow(/at least one value/);
  });
});
