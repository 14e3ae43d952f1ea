import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aggregateRuns } from './aggregate-runs.js';
import { accuracyVsSparsitySpec, accuracyVsTrainingFlopsSpec, renderSvg } from './plot-results.js';
import type { RunRecord } from './run-record.js';

/** Options for {@link writePlots}. */
export interface WritePlotsOptions {
  /** Row names that split the runs into series and points. @default method, sparsity and the varying axes */
  readonly rows?: readonly string[];
  /** Title above both plots. @default the suite names of the records */
  readonly title?: string;
}

/** File names of the plots {@link writePlots} writes. */
export const PLOT_FILES = {
  sparsity: 'accuracy-vs-sparsity.svg',
  trainingFlops: 'accuracy-vs-training-flops.svg',
} as const;

/**
 * Renders accuracy vs sparsity and accuracy vs training FLOPs (mean ± std over seeds) as SVG files in
 * `outDir`; returns their paths.
 */
export async function writePlots(records: readonly RunRecord[], outDir: string, options: WritePlotsOptions = {}): Promise<string[]> {
  if (records.length === 0) throw new RangeError('there are no run records to plot');
  const table = aggregateRuns(records, options.rows);
  const title = options.title ?? [...new Set(records.map((record) => record.suite))].join(', ');
  await mkdir(outDir, { recursive: true });
  const files: [string, string][] = [
    [join(outDir, PLOT_FILES.sparsity), await renderSvg(accuracyVsSparsitySpec(table, { title }))],
    [join(outDir, PLOT_FILES.trainingFlops), await renderSvg(accuracyVsTrainingFlopsSpec(table, { title }))],
  ];
  for (const [file, svg] of files) await writeFile(file, svg);
  return files.map(([file]) => file);
}
