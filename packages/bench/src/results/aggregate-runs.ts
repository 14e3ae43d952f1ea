import { getPath, type JsonValue } from '../json/dotted-path.js';
import { labelOf, type AxisLabel } from '../json/axis-label.js';
import { allUpdatesSkipped, msPerStepOf, type RunRecord } from './run-record.js';
import { summarize, type SummaryStat } from './summary-stats.js';

/**
 * Short row names and the config paths they read when no axis of that name exists. Any other row name is an
 * axis name or a dotted config path.
 */
export const ROW_ALIASES: Readonly<Record<string, string>> = {
  method: 'algorithm.method',
  sparsity: 'algorithm.sparsity',
  distribution: 'algorithm.distribution.kind',
  model: 'model.kind',
  dataset: 'data.dataset',
  epochs: 'training.epochs',
  seed: 'seed',
};

/** Rows every table starts with. */
const LEADING_ROWS = ['method', 'sparsity'];

/** One row of a results table: the runs sharing the row values (the seeds), summarised. */
export interface AggregateRow {
  /** Row name → value, in the order of the table's rows. */
  readonly keys: Readonly<Record<string, AxisLabel>>;
  /** Final test accuracy in [0, 1]. */
  readonly accuracy: SummaryStat;
  /** Training FLOPs relative to dense training. */
  readonly trainingFlops: SummaryStat;
  /** Inference FLOPs per sample relative to the dense model. */
  readonly inferenceFlops: SummaryStat;
  /** Absolute training FLOPs. */
  readonly trainingFlopsAbsolute: SummaryStat;
  /** Absolute inference FLOPs per sample. */
  readonly inferenceFlopsAbsolute: SummaryStat;
  /** Measured overall sparsity at the end of training. */
  readonly measuredSparsity: SummaryStat;
  /** Runs of the row whose scheduled mask updates were all skipped (their masks never changed); tables flag them. */
  readonly allUpdatesSkipped: number;
  /** Measured milliseconds per training step over the row's runs ({@link msPerStepOf}; absent when no run took a step). */
  readonly msPerStep?: SummaryStat;
}

/** A summarised results table. */
export interface AggregateTable {
  /** The row names, in column order. */
  readonly rows: readonly string[];
  /** One entry per distinct combination of row values, in suite order. */
  readonly entries: readonly AggregateRow[];
}

/** The value a record shows for a row name: its axis label, else the aliased or dotted config value. */
export function rowValue(record: RunRecord, name: string): AxisLabel | undefined {
  if (Object.hasOwn(record.axes, name)) return record.axes[name];
  const value = getPath(record.config, ROW_ALIASES[name] ?? name);
  // Dense runs carry no target sparsity: show the measured one (0) instead of a blank.
  if (value === undefined && name === 'sparsity') return Number(record.sparsity.toFixed(4));
  if (value === undefined) return undefined;
  return labelOf(value as JsonValue);
}

/** Config paths a row name stands for, so that an axis over the same path is not shown twice. */
function pathOf(name: string): string {
  return ROW_ALIASES[name] ?? name;
}

/**
 * The default rows: method and sparsity, then every other axis whose label varies across the records,
 * except the seed (which the table averages over).
 */
export function defaultRows(records: readonly RunRecord[]): string[] {
  const rows = [...LEADING_ROWS];
  const covered = new Set(rows.flatMap((name) => [name, pathOf(name)]));
  covered.add('seed');
  const axisNames: string[] = [];
  for (const record of records) for (const name of Object.keys(record.axes)) if (!axisNames.includes(name)) axisNames.push(name);
  for (const name of axisNames) {
    if (covered.has(name)) continue;
    const labels = new Set(records.map((record) => JSON.stringify(record.axes[name] ?? null)));
    if (labels.size > 1) rows.push(name);
  }
  return rows;
}

/** The ms/step summary of a row's runs, or nothing when none took a step. */
function timed(group: readonly RunRecord[]): { msPerStep?: SummaryStat } {
  const values = group.flatMap((record) => {
    const ms = msPerStepOf(record);
    return ms === undefined ? [] : [ms];
  });
  return values.length === 0 ? {} : { msPerStep: summarize(values) };
}

/**
 * Groups records by their row values and summarises each group (mean ± sample std over its runs).
 * Groups keep the order in which the suite first reaches them. Throws when a row name matches nothing.
 */
export function aggregateRuns(records: readonly RunRecord[], rows: readonly string[] = defaultRows(records)): AggregateTable {
  if (rows.length === 0) throw new RangeError('rows must name at least one axis or config path, got an empty list');
  for (const name of rows) {
    if (records.length > 0 && records.every((record) => rowValue(record, name) === undefined)) {
      const axes = [...new Set(records.flatMap((record) => Object.keys(record.axes)))];
      throw new RangeError(
        `row ${JSON.stringify(name)} is neither an axis (${axes.join(', ') || 'none'}), an alias (${Object.keys(ROW_ALIASES).join(', ')}) nor a config path present in the results`,
      );
    }
  }
  const ordered = [...records].sort((a, b) => (a.suite === b.suite ? a.index - b.index : a.suite < b.suite ? -1 : 1));
  const groups = new Map<string, { keys: Record<string, AxisLabel>; records: RunRecord[] }>();
  for (const record of ordered) {
    const keys = Object.fromEntries(rows.map((name) => [name, rowValue(record, name) ?? null]));
    const id = JSON.stringify(rows.map((name) => keys[name]));
    const group = groups.get(id) ?? { keys, records: [] };
    group.records.push(record);
    groups.set(id, group);
  }
  const entries = [...groups.values()].map(({ keys, records: group }) => ({
    keys,
    accuracy: summarize(group.map((r) => r.testAccuracy)),
    trainingFlops: summarize(group.map((r) => r.flops.trainingRatio)),
    inferenceFlops: summarize(group.map((r) => r.flops.inferenceRatio)),
    trainingFlopsAbsolute: summarize(group.map((r) => r.flops.training)),
    inferenceFlopsAbsolute: summarize(group.map((r) => r.flops.inferencePerSample)),
    measuredSparsity: summarize(group.map((r) => r.sparsity)),
    allUpdatesSkipped: group.filter((r) => allUpdatesSkipped(r)).length,
    ...timed(group),
  }));
  return { rows: [...rows], entries };
}
