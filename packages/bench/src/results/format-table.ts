import type { AxisLabel } from '../json/axis-label.js';
import type { AggregateRow, AggregateTable } from './aggregate-runs.js';
import type { SummaryStat } from './summary-stats.js';

/** Output formats of a results table. */
export const TABLE_FORMATS = ['md', 'csv', 'tex', 'json'] as const;

/** An output format of a results table. */
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** Whether a string names a table format. */
export function isTableFormat(value: string): value is TableFormat {
  return (TABLE_FORMATS as readonly string[]).includes(value);
}

function label(value: AxisLabel): string {
  return value === null ? '—' : String(value);
}

function percent(x: number): string {
  return (100 * x).toFixed(2);
}

function ratio(stat: SummaryStat): string {
  return stat.mean.toFixed(2);
}

/** Options of {@link formatTable}. */
export interface FormatTableOptions {
  /** Adds a column of measured milliseconds per training step (training wall time / steps), mean ± std over the row's runs. @default false */
  readonly time?: boolean;
}

/** A row's ms/step as `mean ± std`, with its count when fewer of its runs took steps than the row has; `—` when none did. */
function msPerStepCell(entry: AggregateRow): string {
  const stat = entry.msPerStep;
  if (stat === undefined) return '—';
  const text = stat.std === null ? stat.mean.toFixed(1) : `${stat.mean.toFixed(1)} ± ${stat.std.toFixed(1)}`;
  return stat.n < entry.accuracy.n ? `${text} (n ${stat.n})` : text;
}

/** The marker of a row some of whose runs had every scheduled mask update skipped. */
export const SKIPPED_UPDATES_MARK = '†';

/** The footnote explaining {@link SKIPPED_UPDATES_MARK}, or nothing when no row is flagged. */
export function skippedUpdatesFootnote(table: AggregateTable): string | undefined {
  if (!table.entries.some((entry) => entry.allUpdatesSkipped > 0)) return undefined;
  return `${SKIPPED_UPDATES_MARK} every scheduled mask update of these runs was skipped (non-finite scores): their masks never changed, so they are static sparse training whatever the method says`;
}

function flagged(entry: AggregateRow): string {
  return entry.allUpdatesSkipped > 0 ? ` ${SKIPPED_UPDATES_MARK}` : '';
}

/** The row's first cell with the marker appended when flagged. */
function rowCells(table: AggregateTable, entry: AggregateRow, cell: (name: string) => string, mark: (entry: AggregateRow) => string): string[] {
  return table.rows.map((name, i) => `${cell(name)}${i === 0 ? mark(entry) : ''}`);
}

/** Markdown (GitHub) table: accuracy as mean ± std in percent, FLOPs as multiples of dense. */
function toMarkdown(table: AggregateTable, time: boolean): string {
  const header = [...table.rows, 'test accuracy (%)', 'n', 'train FLOPs', 'test FLOPs', ...(time ? ['ms/step'] : [])];
  const align = [...table.rows.map(() => ':--'), '--:', '--:', '--:', '--:', ...(time ? ['--:'] : [])];
  const lines = table.entries.map((entry) => {
    const acc = entry.accuracy.std === null ? percent(entry.accuracy.mean) : `${percent(entry.accuracy.mean)} ± ${percent(entry.accuracy.std)}`;
    const keys = rowCells(table, entry, (name) => label(entry.keys[name] ?? null), flagged);
    return [...keys, acc, String(entry.accuracy.n), `${ratio(entry.trainingFlops)}×`, `${ratio(entry.inferenceFlops)}×`, ...(time ? [msPerStepCell(entry)] : [])];
  });
  const escape = (cell: string): string => cell.replaceAll('|', '\\|');
  const note = skippedUpdatesFootnote(table);
  return [header, align, ...lines].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n') + '\n' + (note ? `\n${note}\n` : '');
}

/** RFC 4180 CSV with one column per statistic; an empty cell where the std is undefined (n = 1). */
function toCsv(table: AggregateTable, time: boolean): string {
  const quote = (cell: string): string => (/[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
  const header = [
    ...table.rows,
    'accuracy_mean',
    'accuracy_std',
    'n',
    'train_flops_rel',
    'test_flops_rel',
    'train_flops',
    'test_flops_per_sample',
    'measured_sparsity',
    ...(time ? ['ms_per_step_mean', 'ms_per_step_std', 'ms_per_step_n'] : []),
  ];
  const note = skippedUpdatesFootnote(table);
  // a flagged table gets a last column: the marker and the footnote on flagged rows (CSV has no footnotes)
  if (note) header.push('note');
  const lines = table.entries.map((entry) => [
    ...table.rows.map((name) => (entry.keys[name] === null ? '' : String(entry.keys[name]))),
    String(entry.accuracy.mean),
    entry.accuracy.std === null ? '' : String(entry.accuracy.std),
    String(entry.accuracy.n),
    String(entry.trainingFlops.mean),
    String(entry.inferenceFlops.mean),
    String(entry.trainingFlopsAbsolute.mean),
    String(entry.inferenceFlopsAbsolute.mean),
    String(entry.measuredSparsity.mean),
    ...(time ? [entry.msPerStep ? String(entry.msPerStep.mean) : '', entry.msPerStep?.std == null ? '' : String(entry.msPerStep.std), String(entry.msPerStep?.n ?? 0)] : []),
    ...(note ? [entry.allUpdatesSkipped > 0 ? `${note} (${entry.allUpdatesSkipped} of ${entry.accuracy.n} runs)` : ''] : []),
  ]);
  return [header, ...lines].map((cells) => cells.map(quote).join(',')).join('\n') + '\n';
}

/** Escapes LaTeX's special characters in text. */
export function escapeLatex(text: string): string {
  return text.replace(/[\\{}$&#_%~^]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\textbackslash{}';
      case '~':
        return '\\textasciitilde{}';
      case '^':
        return '\\textasciicircum{}';
      default:
        return `\\${c}`;
    }
  });
}

/** A LaTeX tabular with booktabs rules (`\usepackage{booktabs}`), accuracy as $mean \pm std$. */
function toLatex(table: AggregateTable, time: boolean): string {
  const header = [...table.rows.map(escapeLatex), 'Accuracy (\\%)', '$n$', 'FLOPs (train)', 'FLOPs (test)', ...(time ? ['ms/step'] : [])];
  const lines = table.entries.map((entry: AggregateRow) => {
    const acc = entry.accuracy.std === null ? `$${percent(entry.accuracy.mean)}$` : `$${percent(entry.accuracy.mean)} \\pm ${percent(entry.accuracy.std)}$`;
    return [
      ...rowCells(table, entry, (name) => escapeLatex(label(entry.keys[name] ?? null)), (e) => (e.allUpdatesSkipped > 0 ? '$^\\dagger$' : '')),
      acc,
      String(entry.accuracy.n),
      `${ratio(entry.trainingFlops)}$\\times$`,
      `${ratio(entry.inferenceFlops)}$\\times$`,
      ...(time ? [msPerStepCell(entry).replace(' ± ', ' $\\pm$ ').replace('—', '---')] : []),
    ].join(' & ');
  });
  return [
    `\\begin{tabular}{${'l'.repeat(table.rows.length)}rrrr${time ? 'r' : ''}}`,
    '\\toprule',
    `${header.join(' & ')} \\\\`,
    '\\midrule',
    ...lines.map((line) => `${line} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
    ...(skippedUpdatesFootnote(table) ? [`\\par\\footnotesize $^\\dagger$ ${escapeLatex(skippedUpdatesFootnote(table)!.slice(SKIPPED_UPDATES_MARK.length + 1))}`] : []),
    '',
  ].join('\n');
}

/** JSON: one object per row with its row values and every statistic. */
function toJson(table: AggregateTable, time: boolean): string {
  const note = skippedUpdatesFootnote(table);
  const entries = table.entries.map(({ msPerStep, ...entry }) => ({
    ...entry,
    ...(time ? { msPerStep: msPerStep ?? null } : {}),
    ...(entry.allUpdatesSkipped > 0 ? { mark: SKIPPED_UPDATES_MARK } : {}),
  }));
  return `${JSON.stringify({ rows: table.rows, entries, ...(note ? { notes: [note] } : {}) }, null, 2)}\n`;
}

/** Renders a summarised table in the given format; `options.time` adds the measured ms/step column. */
export function formatTable(table: AggregateTable, format: TableFormat, options: FormatTableOptions = {}): string {
  const time = options.time ?? false;
  switch (format) {
    case 'md':
      return toMarkdown(table, time);
    case 'csv':
      return toCsv(table, time);
    case 'tex':
      return toLatex(table, time);
    case 'json':
      return toJson(table, time);
  }
}
