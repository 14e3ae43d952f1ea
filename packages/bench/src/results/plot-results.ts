import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { AggregateTable } from './aggregate-runs.js';

/** One point of a plot: a table row's means and spreads, in the units the axes show. */
export interface PlotPoint {
  /** Series name: the row values other than sparsity, joined by ` / `. */
  readonly series: string;
  /** Target sparsity of the row (its `sparsity` value, or the measured mean when that is not a number). */
  readonly sparsity: number;
  /** Mean training FLOPs relative to dense. */
  readonly trainingFlops: number;
  /** Mean test accuracy in percent. */
  readonly accuracy: number;
  /** Sample std of the test accuracy in percent; null for a single run. */
  readonly accuracyStd: number | null;
  /** Runs averaged. */
  readonly n: number;
}

/** Options shared by the plot builders. */
export interface PlotOptions {
  /** Title shown above the plot. @default none */
  readonly title?: string;
  /** Plot area width in pixels. @default 480 */
  readonly width?: number;
  /** Plot area height in pixels. @default 320 */
  readonly height?: number;
}

/** Turns table rows into plot points (accuracy in percent). */
export function plotPoints(table: AggregateTable): PlotPoint[] {
  const seriesRows = table.rows.filter((name) => name !== 'sparsity');
  return table.entries.map((entry) => {
    const target = entry.keys['sparsity'];
    return {
      series: seriesRows.map((name) => String(entry.keys[name] ?? '—')).join(' / ') || 'all',
      sparsity: typeof target === 'number' ? target : entry.measuredSparsity.mean,
      trainingFlops: entry.trainingFlops.mean,
      accuracy: 100 * entry.accuracy.mean,
      accuracyStd: entry.accuracy.std === null ? null : 100 * entry.accuracy.std,
      n: entry.accuracy.n,
    };
  });
}

function accuracyVs(
  points: readonly PlotPoint[],
  x: { field: 'sparsity' | 'trainingFlops'; title: string; scale?: Record<string, unknown> },
  options: PlotOptions,
  reference: 'point' | 'rule',
): TopLevelSpec {
  const xScale = x.scale?.['type'] === 'log' ? x.scale : { zero: false, ...x.scale };
  const xEncoding = { field: x.field, type: 'quantitative' as const, title: x.title, scale: xScale };
  const yEncoding = { field: 'accuracy', type: 'quantitative' as const, title: 'test accuracy (%)', scale: { zero: false } };
  const order = [...new Set(points.map((p) => p.series))];
  const color = { field: 'series', type: 'nominal' as const, title: 'method', sort: order };
  // Dense rows (sparsity 0) as horizontal reference lines, so that they do not stretch the sparsity axis.
  const asRule = reference === 'rule' && points.some((p) => p.sparsity > 0);
  const sparse = asRule ? 'datum.sparsity > 0' : 'true';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 480,
    height: options.height ?? 320,
    background: 'white',
    data: { values: points.map((p) => ({ ...p })) },
    layer: [
      {
        transform: [{ filter: sparse }],
        mark: { type: 'line', point: { filled: true, size: 50 } },
        encoding: { x: xEncoding, y: yEncoding, color, order: { field: x.field } },
      },
      {
        transform: [{ filter: `${sparse} && datum.accuracyStd != null` }],
        mark: { type: 'errorbar', ticks: true },
        encoding: { x: xEncoding, y: yEncoding, yError: { field: 'accuracyStd' }, color },
      },
      ...(asRule
        ? [
            {
              transform: [{ filter: 'datum.sparsity == 0' }],
              mark: { type: 'rule' as const, strokeDash: [6, 4] },
              encoding: { y: yEncoding, color },
            },
          ]
        : []),
    ],
  };
}

/**
 * Vega-Lite spec: test accuracy (mean ± std error bars) against sparsity, one line per series; dense rows
 * (sparsity 0) are drawn as dashed horizontal reference lines.
 */
export function accuracyVsSparsitySpec(table: AggregateTable, options: PlotOptions = {}): TopLevelSpec {
  return accuracyVs(plotPoints(table), { field: 'sparsity', title: 'sparsity' }, options, 'rule');
}

/** Vega-Lite spec: test accuracy (mean ± std error bars) against training FLOPs relative to dense (log scale). */
export function accuracyVsTrainingFlopsSpec(table: AggregateTable, options: PlotOptions = {}): TopLevelSpec {
  return accuracyVs(plotPoints(table), { field: 'trainingFlops', title: 'training FLOPs (× dense)', scale: { type: 'log' } }, options, 'point');
}

/** Compiles a Vega-Lite spec and renders it to an SVG string in Node (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
