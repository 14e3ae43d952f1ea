import { Command, InvalidArgumentError, Option } from 'commander';
import { PLOT_STYLES, type PlotStyle } from '../results/plot-results.js';
import { PLOT_FORMATS, type PlotFormat } from '../results/render-plot.js';
import { writePlots } from '../results/write-plots.js';
import { commaList } from './parse-options.js';
import { readResultsForCli } from './table-command.js';

/** The plot options `topiary plot` and `topiary compare` share. */
export interface PlotCliOptions {
  /** Plot file formats (`--format`). */
  readonly format: readonly PlotFormat[];
  /** Plot style (`--style`). */
  readonly style: PlotStyle;
  /** PNG pixels per SVG pixel (`--png-scale`). */
  readonly pngScale: number;
}

/** Commander parser for `--format`: a comma-separated list of plot formats. */
export function plotFormatList(value: string): PlotFormat[] {
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name.length > 0);
  const bad = names.filter((name) => !(PLOT_FORMATS as readonly string[]).includes(name));
  if (names.length === 0 || bad.length > 0) {
    const what = bad.length > 0 ? `unknown format ${bad.map((b) => JSON.stringify(b)).join(', ')}` : 'no format given';
    throw new InvalidArgumentError(`${what}; allowed are ${PLOT_FORMATS.join(', ')}, comma-separated (e.g. svg,png,pdf)`);
  }
  return [...new Set(names as PlotFormat[])];
}

/** Commander parser for `--png-scale`: a number in (0, 16]. */
export function pngScale(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0 && n <= 16)) throw new InvalidArgumentError(`must be a number in (0, 16], e.g. 2 or 4; got ${JSON.stringify(value)}`);
  return n;
}

/** Adds `--format`, `--style` and `--png-scale` to a command. */
export function withPlotOptions(command: Command): Command {
  return command
    .addOption(
      new Option('-f, --format <list>', `plot formats, comma-separated: ${PLOT_FORMATS.join(', ')}`).argParser(plotFormatList).default(['svg'], 'svg'),
    )
    .addOption(
      new Option('--style <name>', 'plot style: default, or paper (camera-ready: title, print fonts, colour-blind-safe palette, markers, sparsity in %)')
        .choices(PLOT_STYLES)
        .default('default'),
    )
    .addOption(new Option('--png-scale <n>', 'PNG pixels per SVG pixel').argParser(pngScale).default(2));
}

/** `topiary plot DIR`. */
export function plotCommand(): Command {
  return withPlotOptions(
    new Command('plot')
      .description('accuracy vs sparsity and accuracy vs training FLOPs as SVG, PNG or PDF, with error bars over seeds')
      .argument('<dir>', 'results folder (or runs.jsonl)')
      .option('-o, --out <dir>', 'folder for the plot files (default: the results folder)')
      .option('-r, --rows <names>', 'comma-separated row names that make the series and points', commaList)
      .option('-t, --title <text>', 'plot title (default: the suite name; paper style: what the plot shows)'),
  ).action(async (dir: string, options: PlotCliOptions & { out?: string; rows?: string[]; title?: string }) => {
    const records = await readResultsForCli(dir);
    const files = await writePlots(records, options.out ?? (dir.endsWith('.jsonl') ? '.' : dir), {
      ...(options.rows ? { rows: options.rows } : {}),
      ...(options.title ? { title: options.title } : {}),
      formats: options.format,
      style: options.style,
      scale: options.pngScale,
    });
    process.stdout.write(`${files.join('\n')}\n`);
  });
}
