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

/** Look of a plot: `default` for a quick look; `paper` for print (see {@link PLOT_STYLES}). */
export type PlotStyle = 'default' | 'paper';

/**
 * The plot styles: `default` is Vega-Lite's look; `paper` is camera-ready: a descriptive title, print font
 * sizes in DejaVu Sans, the Okabe–Ito colour-blind-safe palette, a marker shape per series, and the
 * sparsity axis in percent with ticks at the measured sparsities.
 */
export const PLOT_STYLES: readonly PlotStyle[] = ['default', 'paper'];

/** Okabe & Ito's colour-blind-safe palette, ordered for lines on white (yellow last). */
export const OKABE_ITO: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/** Marker shapes of the `paper` style, one per series in turn. */
export const PAPER_SHAPES: readonly string[] = ['circle', 'square', 'triangle-up', 'diamond', 'triangle-down', 'cross', 'triangle-right', 'triangle-left'];

/** Font family of the `paper` style: DejaVu Sans, which the PNG and PDF renderers embed. */
export const PAPER_FONT = '"DejaVu Sans", Verdana, Helvetica, Arial, sans-serif';

/** Options shared by the plot builders. */
export interface PlotOptions {
  /** Title shown above the plot. @default none (`paper`: "Test accuracy vs. sparsity" or "… vs. training FLOPs") */
  readonly title?: string;
  /** Smaller line under the title. @default none */
  readonly subtitle?: string;
  /** Look of the plot. @default 'default' */
  readonly style?: PlotStyle;
  /** Plot area width in pixels. @default 480 (`paper`: 360) */
  readonly width?: number;
  /** Plot area height in pixels. @default 320 (`paper`: 240) */
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

function defaultAccuracyVs(
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
    ...(options.title ? { title: options.subtitle ? { text: options.title, subtitle: options.subtitle } : options.title } : {}),
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


/** Paper style: descriptive titles, print fonts, Okabe–Ito colours, a shape per series, percent sparsity. */
function paperAccuracyVs(
  points: readonly PlotPoint[],
  x: { field: 'sparsity' | 'trainingFlops'; title: string; scale?: Record<string, unknown> },
  options: PlotOptions,
  reference: 'point' | 'rule',
): TopLevelSpec {
  const asRule = reference === 'rule' && points.some((p) => p.sparsity > 0);
  const plotted = asRule ? points.filter((p) => p.sparsity > 0) : points;
  const sparse = asRule ? 'datum.sparsity > 0' : 'true';
  const order = [...new Set(plotted.map((p) => p.series))];
  const sparsities = [...new Set(plotted.map((p) => p.sparsity))].sort((a, b) => a - b);
  const percentAxis = { format: '.1~%', ...(sparsities.length <= 10 ? { values: sparsities } : {}) };
  // Room around the outermost points, so that no marker sits on the frame.
  const flops = plotted.map((p) => p.trainingFlops).filter((f) => f > 0);
  const logDomain = flops.length > 0 ? { domain: [Math.min(...flops) / 1.25, Math.max(...flops) * 1.25], nice: false } : {};
  const xScale = x.scale?.['type'] === 'log' ? { ...x.scale, ...logDomain } : { zero: false, padding: 16, ...x.scale };
  const xEncoding = {
    field: x.field,
    type: 'quantitative' as const,
    title: x.title,
    scale: xScale,
    ...(x.field === 'sparsity' ? { axis: percentAxis } : {}),
  };
  const yEncoding = { field: 'accuracy', type: 'quantitative' as const, title: 'Test accuracy (%)', scale: { zero: false } };
  const legend = { title: 'Method', sort: order };
  const color = { field: 'series', type: 'nominal' as const, ...legend, scale: { domain: order, range: [...OKABE_ITO] } };
  const shape = { field: 'series', type: 'nominal' as const, ...legend, scale: { domain: order, range: [...PAPER_SHAPES] } };
  const defaultTitle = x.field === 'sparsity' ? 'Test accuracy vs. sparsity' : 'Test accuracy vs. training FLOPs';
  const text = options.title ?? defaultTitle;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.subtitle ? { text, subtitle: options.subtitle } : { text },
    width: options.width ?? 360,
    height: options.height ?? 240,
    background: 'white',
    padding: 8,
    config: {
      font: PAPER_FONT,
      title: { fontSize: 16, fontWeight: 'bold', subtitleFontSize: 12, subtitleColor: '#444', anchor: 'start', offset: 10 },
      axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', labelColor: '#000', titleColor: '#000', gridColor: '#e6e6e6', tickColor: '#000', domainColor: '#000' },
      legend: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 'normal', symbolSize: 80, symbolOpacity: 1 },
      view: { stroke: '#000' },
    },
    data: { values: points.map((p) => ({ ...p })) },
    layer: [
      {
        transform: [{ filter: sparse }],
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x: xEncoding, y: yEncoding, color, order: { field: x.field } },
      },
      {
        transform: [{ filter: `${sparse} && datum.accuracyStd != null` }],
        mark: { type: 'errorbar', ticks: true, thickness: 1.5 },
        encoding: { x: xEncoding, y: yEncoding, yError: { field: 'accuracyStd' }, color },
      },
      {
        transform: [{ filter: sparse }],
        mark: { type: 'point', filled: true, size: 70, opacity: 1, stroke: 'white', strokeWidth: 0.75 },
        encoding: { x: xEncoding, y: yEncoding, color, shape },
      },
      ...(asRule
        ? [
            {
              transform: [{ filter: 'datum.sparsity == 0' }],
              mark: { type: 'rule' as const, strokeDash: [6, 4], color: '#444', strokeWidth: 1.5 },
              encoding: { y: yEncoding },
            },
            {
              transform: [{ filter: 'datum.sparsity == 0' }],
              mark: { type: 'text' as const, align: 'right' as const, baseline: 'bottom' as const, dx: -4, dy: -3, fontSize: 11, color: '#444' },
              encoding: { y: yEncoding, x: { value: 'width' as const }, text: { field: 'series', type: 'nominal' as const } },
            },
          ]
        : []),
    ],
  };
}

function accuracyVs(
  points: readonly PlotPoint[],
  x: { field: 'sparsity' | 'trainingFlops'; title: string; paperTitle: string; scale?: Record<string, unknown> },
  options: PlotOptions,
  reference: 'point' | 'rule',
): TopLevelSpec {
  if (options.style === 'paper') return paperAccuracyVs(points, { ...x, title: x.paperTitle }, options, reference);
  return defaultAccuracyVs(points, x, options, reference);
}

/**
 * Vega-Lite spec: test accuracy (mean ± std error bars) against sparsity, one line per series; dense rows
 * (sparsity 0) are drawn as dashed horizontal reference lines.
 */
export function accuracyVsSparsitySpec(table: AggregateTable, options: PlotOptions = {}): TopLevelSpec {
  return accuracyVs(plotPoints(table), { field: 'sparsity', title: 'sparsity', paperTitle: 'Sparsity' }, options, 'rule');
}

/** Vega-Lite spec: test accuracy (mean ± std error bars) against training FLOPs relative to dense (log scale). */
export function accuracyVsTrainingFlopsSpec(table: AggregateTable, options: PlotOptions = {}): TopLevelSpec {
  return accuracyVs(plotPoints(table), { field: 'trainingFlops', title: 'training FLOPs (× dense)', paperTitle: 'Training FLOPs (× dense)', scale: { type: 'log' } }, options, 'point');
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
