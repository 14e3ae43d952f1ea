import { describe, expect, it } from 'vitest';
import { aggregateRuns } from '../aggregate-runs.js';
import { accuracyVsSparsitySpec, accuracyVsTrainingFlopsSpec, plotPoints, renderSvg } from '../plot-results.js';
import { makeRecord } from './make-record.js';

const records = ['rigl', 'set'].flatMap((method, m) =>
  [0.8, 0.9].flatMap((sparsity, s) =>
    [0, 1].map((seed) =>
      makeRecord({ method, sparsity, seed, accuracy: 0.9 - 0.05 * m - 0.1 * s + 0.01 * seed, index: m * 4 + s * 2 + seed }),
    ),
  ),
);

describe('plots', () => {
  const table = aggregateRuns(records);

  it('turns table rows into points in percent with one series per method', () => {
    const points = plotPoints(table);
    expect(points).toHaveLength(4);
    expect(points[0]).toMatchObject({ series: 'rigl', sparsity: 0.8, n: 2 });
    expect(points[0]!.accuracy).toBeCloseTo(90.5, 10);
    expect(points[0]!.accuracyStd).toBeCloseTo(100 * Math.SQRT1_2 * 0.01, 10);
  });

  it('renders accuracy vs sparsity to an SVG with a line per series and error bars', async () => {
    const svg = await renderSvg(accuracyVsSparsitySpec(table, { title: 'demo' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('demo');
    expect(svg).toContain('test accuracy (%)');
    expect(svg).toContain('sparsity');
    const lines = svg.match(/aria-roledescription="line mark" d="M[^"]*L[^"]*"/g) ?? [];
    expect(lines).toHaveLength(2);
    const errorbars = svg.match(/aria-roledescription="errorbar"/g) ?? [];
    expect(errorbars).toHaveLength(4);
    expect(svg).toMatch(/<text[^>]*>rigl<\/text>/);
    expect(svg).toMatch(/<text[^>]*>set<\/text>/);
  });

  it('renders accuracy vs training FLOPs on a log axis', async () => {
    const spec = accuracyVsTrainingFlopsSpec(table);
    expect(JSON.stringify(spec)).toContain('"type":"log"');
    const svg = await renderSvg(spec);
    expect(svg).toContain('training FLOPs (× dense)');
  });
});

describe('dense reference', () => {
  it('draws dense runs as a dashed rule on the sparsity plot and as a point on the FLOPs plot', async () => {
    const withDense = [
      ...records,
      makeRecord({ method: 'dense', sparsity: 0, seed: 0, accuracy: 0.93, index: 20, axes: { method: 'dense', seed: 0 } }),
    ];
    const table = aggregateRuns(withDense);
    const sparsitySvg = await renderSvg(accuracyVsSparsitySpec(table));
    expect(sparsitySvg.match(/aria-roledescription="rule mark"[^>]*stroke-dasharray/g) ?? []).toHaveLength(1);
    expect(sparsitySvg.match(/aria-roledescription="line mark"/g) ?? []).toHaveLength(2);
    const flopsSvg = await renderSvg(accuracyVsTrainingFlopsSpec(table));
    expect(flopsSvg).not.toMatch(/aria-roledescription="rule mark"/);
    expect(flopsSvg.match(/aria-roledescription="line mark"/g) ?? []).toHaveLength(3);
  });
});
