import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aggregateRuns } from './aggregate-runs.js';
import { accuracyVsSparsitySpec, accuracyVsTrainingFlopsSpec, PLOT_STYLES, type PlotStyle } from './plot-results.js';
import { PLOT_FORMATS, renderPlot, type PlotFormat } from './render-plot.js';
import type { RunRecord } from './run-record.js';

/** Options for {@link writePlots}. */
export interface WritePlotsOptions {
  /** Row names that split the runs into series and points. @default method, sparsity and the varying axes */
  readonly rows?: readonly string[];
  /**
   * Title above both plots. @default the suite names of the records (`paper` style: a title saying what
   * each plot shows, with the suite names as its subtitle)
   */
  readonly title?: string;
  /** Look of the plots. @default 'default' */
  readonly style?: PlotStyle;
  /** File formats to write, each plot once per format. @default ['svg'] */
  readonly formats?: readonly PlotFormat[];
  /** PNG pixels per SVG pixel. @default 2 */
  readonly scale?: number;
}

/** Base names (without extension) of the plots {@link writePlots} writes. */
export const PLOT_NAMES = {
  sparsity: 'accuracy-vs-sparsity',
  trainingFlops: 'accuracy-vs-training-flops',
} as const;

/** File names of the SVG plots {@link writePlots} writes by default. */
export const PLOT_FILES = {
  sparsity: `${PLOT_NAMES.sparsity}.svg`,
  trainingFlops: `${PLOT_NAMES.trainingFlops}.svg`,
} as const;

function checkChoices<T extends string>(what: string, values: readonly string[], allowed: readonly T[]): asserts values is readonly T[] {
  const bad = values.filter((value) => !(allowed as readonly string[]).includes(value));
  if (bad.length > 0) throw new RangeError(`unknown plot ${what} ${bad.map((b) => JSON.stringify(b)).join(', ')}: allowed are ${allowed.join(', ')}`);
}

function titleText(title: unknown): string | undefined {
  if (typeof title === 'string') return title;
  if (Array.isArray(title)) return title.join(' ');
  if (typeof title === 'object' && title !== null && 'text' in title) return titleText(title.text);
  return undefined;
}

/**
 * Renders accuracy vs sparsity and accuracy vs training FLOPs (mean ± std over seeds) in `outDir`, as
 * `accuracy-vs-sparsity.<format>` and `accuracy-vs-training-flops.<format>` for each format; returns
 * their paths.
 */
export async function writePlots(records: readonly RunRecord[], outDir: string, options: WritePlotsOptions = {}): Promise<string[]> {
  const formats = [...new Set(options.formats ?? ['svg'])];
  checkChoices('format', formats, PLOT_FORMATS);
  const style = options.style ?? 'default';
  checkChoices('style', [style], PLOT_STYLES);
  if (formats.length === 0) throw new RangeError(`no plot format given: allowed are ${PLOT_FORMATS.join(', ')}`);
  if (records.length === 0) throw new RangeError('there are no run records to plot');
  const table = aggregateRuns(records, options.rows);
  const suites = [...new Set(records.map((record) => record.suite))].join(', ');
  const titles =
    style === 'paper'
      ? { ...(options.title !== undefined ? { title: options.title } : { subtitle: suites }), style }
      : { title: options.title ?? suites };
  await mkdir(outDir, { recursive: true });
  const plots = [
    [PLOT_NAMES.sparsity, accuracyVsSparsitySpec(table, titles)],
    [PLOT_NAMES.trainingFlops, accuracyVsTrainingFlopsSpec(table, titles)],
  ] as const;
  const files: string[] = [];
  for (const [name, spec] of plots) {
    const title = titleText(spec.title);
    for (const format of formats) {
      const file = join(outDir, `${name}.${format}`);
      await writeFile(file, await renderPlot(spec, format, { ...(options.scale !== undefined ? { scale: options.scale } : {}), ...(title ? { title } : {}) }));
      files.push(file);
    }
  }
  return files;
}
