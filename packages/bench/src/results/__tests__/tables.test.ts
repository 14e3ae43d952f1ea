import { describe, expect, it } from 'vitest';
import { aggregateRuns, defaultRows } from '../aggregate-runs.js';
import { escapeLatex, formatTable } from '../format-table.js';
import { msPerStepOf } from '../run-record.js';
import { summarize } from '../summary-stats.js';
import { makeRecord } from './make-record.js';

const records = [
  makeRecord({ method: 'dense', sparsity: 0, seed: 0, accuracy: 0.9, index: 0, axes: { method: 'dense', seed: 0 } }),
  makeRecord({ method: 'dense', sparsity: 0, seed: 1, accuracy: 0.92, index: 1, axes: { method: 'dense', seed: 1 } }),
  makeRecord({ method: 'rigl', sparsity: 0.9, seed: 0, accuracy: 0.85, trainingRatio: 0.12, index: 2, axes: { method: 'rigl', seed: 0 } }),
  makeRecord({ method: 'rigl', sparsity: 0.9, seed: 1, accuracy: 0.87, trainingRatio: 0.14, index: 3, axes: { method: 'rigl', seed: 1 } }),
  makeRecord({ method: 'rigl', sparsity: 0.9, seed: 2, accuracy: 0.89, trainingRatio: 0.13, index: 4, axes: { method: 'rigl', seed: 2 } }),
  makeRecord({ method: 'set', sparsity: 0.9, seed: 0, accuracy: 0.8, index: 5, axes: { method: 'set', seed: 0 } }),
];

describe('summarize', () => {
  it('computes the mean and the sample standard deviation', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ n: 8, mean: 5, std: Math.sqrt(32 / 7) });
    expect(summarize([3])).toEqual({ n: 1, mean: 3, std: null });
    expect(() => summarize([])).toThrow(/at least one value/);
  });
});

describe('aggregateRuns', () => {
  it('groups by method and sparsity, averaging over seeds in suite order', () => {
    const table = aggregateRuns([...records].reverse());
    expect(table.rows).toEqual(['method', 'sparsity']);
    expect(table.entries.map((e) => [e.keys['method'], e.keys['sparsity'], e.accuracy.n])).toEqual([
      ['dense', 0, 2],
      ['rigl', 0.9, 3],
      ['set', 0.9, 1],
    ]);
    const rigl = table.entries[1]!;
    expect(rigl.accuracy.mean).toBeCloseTo(0.87, 12);
    expect(rigl.accuracy.std).toBeCloseTo(0.02, 12);
    expect(rigl.trainingFlops.mean).toBeCloseTo(0.13, 12);
    expect(table.entries[2]!.accuracy.std).toBeNull();
  });

  it('adds varying axes to the default rows but never the seed', () => {
    const withDistribution = records.map((r, i) => ({ ...r, axes: { ...r.axes, distribution: i % 2 === 0 ? 'erk' : 'uniform' } }));
    expect(defaultRows(withDistribution)).toEqual(['method', 'sparsity', 'distribution']);
    const constant = records.map((r) => ({ ...r, axes: { ...r.axes, model: 'lenet' } }));
    expect(defaultRows(constant)).toEqual(['method', 'sparsity']);
  });

  it('accepts dotted config paths as rows and refuses unknown row names', () => {
    expect(aggregateRuns(records, ['model.kind']).entries).toHaveLength(1);
    expect(aggregateRuns(records, ['seed']).entries.map((e) => e.accuracy.n)).toEqual([3, 2, 1]);
    expect(() => aggregateRuns(records, ['colour'])).toThrow(/row "colour" is neither an axis/);
  });
});

describe('formatTable', () => {
  const table = aggregateRuns(records);

  it('writes markdown with mean ± std and FLOPs relative to dense', () => {
    const md = formatTable(table, 'md');
    const lines = md.trim().split('\n');
    expect(lines[0]).toBe('| method | sparsity | test accuracy (%) | n | train FLOPs | test FLOPs |');
    expect(lines[2]).toBe('| dense | 0 | 91.00 ± 1.41 | 2 | 1.00× | 1.00× |');
    expect(lines[3]).toBe('| rigl | 0.9 | 87.00 ± 2.00 | 3 | 0.13× | 0.10× |');
    expect(lines[4]).toBe('| set | 0.9 | 80.00 | 1 | 0.10× | 0.10× |');
  });

  it('writes CSV with one column per statistic and an empty std for a single run', () => {
    const csv = formatTable(table, 'csv').trim().split('\n');
    expect(csv[0]).toBe('method,sparsity,accuracy_mean,accuracy_std,n,train_flops_rel,test_flops_rel,train_flops,test_flops_per_sample,measured_sparsity');
    expect(csv[3]!.split(',').slice(0, 5)).toEqual(['set', '0.9', '0.8', '', '1']);
  });

  it('writes a booktabs LaTeX table and escapes its text', () => {
    const tex = formatTable(table, 'tex');
    expect(tex).toMatch(/^\\begin\{tabular\}\{llrrrr\}\n\\toprule\n/);
    expect(tex).toContain('rigl & 0.9 & $87.00 \\pm 2.00$ & 3 & 0.13$\\times$ & 0.10$\\times$ \\\\');
    expect(tex).toMatch(/\\midrule[\s\S]*\\bottomrule\n\\end\{tabular\}/);
    expect(escapeLatex('a_b 5% & $x#{}')).toBe('a\\_b 5\\% \\& \\$x\\#\\{\\}');
  });

  it('writes JSON that parses back to the entries', () => {
    const parsed = JSON.parse(formatTable(table, 'json'));
    expect(parsed.rows).toEqual(['method', 'sparsity']);
    expect(parsed.entries[1].accuracy.n).toBe(3);
  });
});

describe('runs whose scheduled mask updates were all skipped', () => {
  const health = (scheduled: number, skipped: number) => ({ skippedSteps: 0, scheduledUpdates: scheduled, skippedUpdates: skipped, warnings: [] });
  const flagged = [
    { ...makeRecord({ method: 'custom', sparsity: 0.8, seed: 0, accuracy: 0.7, index: 0, axes: { method: 'custom', seed: 0 } }), health: health(9, 9) },
    { ...makeRecord({ method: 'custom', sparsity: 0.8, seed: 1, accuracy: 0.72, index: 1, axes: { method: 'custom', seed: 1 } }), health: health(9, 3) },
    { ...makeRecord({ method: 'rigl', sparsity: 0.8, seed: 0, accuracy: 0.8, index: 2, axes: { method: 'rigl', seed: 0 } }), health: health(9, 0) },
    // a record written before health existed, and a static run (no updates scheduled): neither is flagged
    makeRecord({ method: 'set', sparsity: 0.8, seed: 0, accuracy: 0.8, index: 3, axes: { method: 'set', seed: 0 } }),
    { ...makeRecord({ method: 'static', sparsity: 0.8, seed: 0, accuracy: 0.8, index: 4, axes: { method: 'static', seed: 0 } }), health: health(0, 0) },
  ];
  const table = aggregateRuns(flagged);

  it('counts them per row', () => {
    expect(table.entries.map((e) => e.allUpdatesSkipped)).toEqual([1, 0, 0, 0]);
  });

  it('marks the row and adds a footnote in md, csv, tex and json', () => {
    const md = formatTable(table, 'md');
    expect(md).toMatch(/^\| custom † \| 0\.8 \|/m);
    expect(md).toMatch(/^\| rigl \| 0\.8 \|/m);
    expect(md).toMatch(/\n† every scheduled mask update of these runs was skipped/);
    const csv = formatTable(table, 'csv').trim().split('\n');
    expect(csv[0]!.endsWith(',note')).toBe(true);
    expect(csv[1]).toMatch(/^custom,0\.8,.*,"?† every scheduled mask update .*\(1 of 2 runs\)"?$/);
    expect(csv[2]!.endsWith(',')).toBe(true);
    const tex = formatTable(table, 'tex');
    expect(tex).toContain('custom$^\\dagger$ & 0.8');
    expect(tex).toMatch(/\\end\{tabular\}\n\\par\\footnotesize \$\^\\dagger\$ every scheduled mask update/);
    const json = JSON.parse(formatTable(table, 'json'));
    expect(json.entries[0]).toMatchObject({ allUpdatesSkipped: 1, mark: '†' });
    expect(json.entries[1].mark).toBeUndefined();
    expect(json.notes).toEqual([expect.stringMatching(/^† every scheduled mask update/)]);
  });

  it('leaves tables without such runs exactly as before', () => {
    const plain = aggregateRuns(flagged.slice(2));
    expect(formatTable(plain, 'md')).not.toContain('†');
    expect(formatTable(plain, 'csv').split('\n')[0]).not.toContain('note');
    expect(formatTable(plain, 'tex')).not.toContain('dagger');
    expect(JSON.parse(formatTable(plain, 'json')).notes).toBeUndefined();
  });
});

describe('the time column', () => {
  const timed = (record: ReturnType<typeof makeRecord>, extra: Record<string, number> = {}) => ({ ...record, ...extra });
  const runs = [
    timed(makeRecord({ method: 'rigl', sparsity: 0.9, seed: 0, accuracy: 0.85, index: 0, axes: { method: 'rigl', seed: 0 } }), { msPerStep: 10 }),
    timed(makeRecord({ method: 'rigl', sparsity: 0.9, seed: 1, accuracy: 0.87, index: 1, axes: { method: 'rigl', seed: 1 } }), { msPerStep: 12 }),
    // a record written before msPerStep existed: trainingTimeMs / steps
    timed(makeRecord({ method: 'set', sparsity: 0.9, seed: 0, accuracy: 0.8, index: 2, axes: { method: 'set', seed: 0 } }), { trainingTimeMs: 1500, steps: 100 }),
    // a record of no steps has no time per step, in a row with a timed one and in a row of its own
    timed(makeRecord({ method: 'set', sparsity: 0.9, seed: 1, accuracy: 0.82, index: 3, axes: { method: 'set', seed: 1 } }), { steps: 0 }),
    timed(makeRecord({ method: 'static', sparsity: 0.9, seed: 0, accuracy: 0.8, index: 4, axes: { method: 'static', seed: 0 } }), { steps: 0 }),
  ];
  const table = aggregateRuns(runs);

  it('summarises ms/step per row, from trainingTimeMs / steps where a record lacks it', () => {
    expect(msPerStepOf(runs[0]!)).toBe(10);
    expect(msPerStepOf(runs[2]!)).toBe(15);
    expect(msPerStepOf(runs[3]!)).toBeUndefined();
    expect(table.entries.map((e) => e.msPerStep)).toEqual([{ n: 2, mean: 11, std: Math.SQRT2 }, { n: 1, mean: 15, std: null }, undefined]);
  });

  it('is left out of every format by default, so tables of timed records read as before', () => {
    const untimed = aggregateRuns(runs.map(({ msPerStep: _, ...rest }) => ({ ...rest, steps: 0 })));
    expect(untimed.entries.every((e) => e.msPerStep === undefined)).toBe(true);
    for (const format of ['md', 'csv', 'tex', 'json'] as const) expect(formatTable(table, format)).toBe(formatTable(untimed, format));
    expect(formatTable(table, 'md')).not.toContain('ms/step');
  });

  it('adds mean ± std per row in md and tex, with the count where runs took no step and — where none did', () => {
    const md = formatTable(table, 'md', { time: true }).trim().split('\n');
    expect(md[0]).toBe('| method | sparsity | test accuracy (%) | n | train FLOPs | test FLOPs | ms/step |');
    expect(md[1]).toBe('| :-- | :-- | --: | --: | --: | --: | --: |');
    expect(md[2]).toBe('| rigl | 0.9 | 86.00 ± 1.41 | 2 | 0.10× | 0.10× | 11.0 ± 1.4 |');
    expect(md[3]).toBe('| set | 0.9 | 81.00 ± 1.41 | 2 | 0.10× | 0.10× | 15.0 (n 1) |');
    expect(md[4]).toBe('| static | 0.9 | 80.00 | 1 | 0.10× | 0.10× | — |');
    const tex = formatTable(table, 'tex', { time: true });
    expect(tex).toMatch(/^\\begin\{tabular\}\{llrrrrr\}\n/);
    expect(tex).toContain('& ms/step \\\\');
    expect(tex).toContain('0.10$\\times$ & 11.0 $\\pm$ 1.4 \\\\');
    expect(tex).toContain('0.10$\\times$ & --- \\\\');
  });

  it('adds mean, std and count columns in csv and the statistic in json', () => {
    const csv = formatTable(table, 'csv', { time: true }).trim().split('\n');
    expect(csv[0]!.endsWith(',measured_sparsity,ms_per_step_mean,ms_per_step_std,ms_per_step_n')).toBe(true);
    expect(csv[1]!.split(',').slice(-3)).toEqual(['11', String(Math.SQRT2), '2']);
    expect(csv[2]!.split(',').slice(-3)).toEqual(['15', '', '1']);
    expect(csv[3]!.split(',').slice(-3)).toEqual(['', '', '0']);
    const json = JSON.parse(formatTable(table, 'json', { time: true }));
    expect(json.entries.map((e: { msPerStep: unknown }) => e.msPerStep)).toEqual([{ n: 2, mean: 11, std: Math.SQRT2 }, { n: 1, mean: 15, std: null }, null]);
  });
});
