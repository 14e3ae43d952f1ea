import { labelOf, type AxisLabel } from '../json/axis-label.js';
import { deepMerge, setPath, splitPath, type JsonObject, type JsonValue } from '../json/dotted-path.js';
import type { Axes, Axis, Suite } from './suite-schema.js';

/** One change an axis value makes to the configuration, and where in the suite file it was written. */
export interface ConfigPatch {
  /** Config keys the patch sets (`['algorithm', 'sparsity']`); empty for a variant merged at the root. */
  readonly configPath: readonly string[];
  /** The value set, or for a variant the partial configuration merged in. */
  readonly value: JsonValue;
  /** Keys leading to the value in the suite file. */
  readonly suitePath: readonly (string | number)[];
  /** Whether the patch is deep-merged at `configPath` (variants) rather than set there. */
  readonly merge: boolean;
}

/** One value of one axis. */
interface AxisChoice {
  readonly label: AxisLabel;
  readonly patches: readonly ConfigPatch[];
}

interface ExpandedAxis {
  readonly name: string;
  readonly choices: readonly AxisChoice[];
}

/** A run of the grid before validation: the raw configuration and how it was made. */
export interface PlannedRun {
  /** Position in the expanded suite, from 0. */
  readonly index: number;
  /** The sub-grid's label (or `grids[i]`), absent for a single-grid suite. */
  readonly grid?: string;
  /** Keys leading to the grid in the suite file (`[]` or `['grids', i]`). */
  readonly gridPath: readonly (string | number)[];
  /** Axis name → the label of the value this run takes. */
  readonly axes: Readonly<Record<string, AxisLabel>>;
  /** The unvalidated configuration: bases merged, axis values applied in axis order. */
  readonly raw: JsonObject;
  /** The axis patches applied, in order. */
  readonly patches: readonly ConfigPatch[];
}

/** `valuesKey` is the key holding a values axis's list in the file: `values`, or none in the map form. */
function expandAxis(axis: Axis, at: readonly (string | number)[], valuesKey: string[] = ['values']): ExpandedAxis {
  switch (axis.kind) {
    case 'values': {
      const configPath = splitPath(axis.path);
      return {
        name: axis.name ?? axis.path,
        choices: axis.values.map((value, i) => ({
          label: labelOf(value),
          patches: [{ configPath, value, suitePath: [...at, ...valuesKey, i], merge: false }],
        })),
      };
    }
    case 'zip': {
      const entries = Object.entries(axis.paths);
      const length = entries[0]?.[1].length ?? 0;
      return {
        name: axis.name,
        choices: Array.from({ length }, (_, i) => ({
          label: axis.labels?.[i] ?? entries.map(([, values]) => String(labelOf(values[i]!))).join('/'),
          patches: entries.map(([path, values]) => ({
            configPath: splitPath(path),
            value: values[i]!,
            suitePath: [...at, 'paths', path, i],
            merge: false,
          })),
        })),
      };
    }
    case 'variants':
      return {
        name: axis.name,
        choices: axis.variants.map((variant, i) => ({
          label: variant.label,
          patches: [{ configPath: [], value: variant.config, suitePath: [...at, 'variants', i, 'config'], merge: true }],
        })),
      };
  }
}

function expandAxes(axes: Axes, at: readonly (string | number)[]): ExpandedAxis[] {
  const list: ExpandedAxis[] = Array.isArray(axes)
    ? axes.map((axis, i) => expandAxis(axis, [...at, i]))
    : Object.entries(axes).map(([path, values]) => expandAxis({ kind: 'values', path, values }, [...at, path], []));
  const seen = new Set<string>();
  for (const axis of list) {
    if (seen.has(axis.name)) {
      throw new RangeError(`axis names must be unique within a grid: ${JSON.stringify(axis.name)} appears twice (at ${at.join('.')})`);
    }
    seen.add(axis.name);
  }
  return list;
}

/** Every combination of one choice per axis, first axis outermost. */
function cartesian(axes: readonly ExpandedAxis[]): AxisChoice[][] {
  return axes.reduce<AxisChoice[][]>(
    (combos, axis) => combos.flatMap((combo) => axis.choices.map((choice) => [...combo, choice])),
    [[]],
  );
}

function applyPatch(config: JsonObject, patch: ConfigPatch): JsonObject {
  if (patch.merge) return deepMerge(config, patch.value as JsonObject);
  return setPath(config, patch.configPath.join('.'), patch.value);
}

/**
 * Expands a suite into its runs (cartesian product of each grid's axes, grids concatenated), without
 * validating them. Throws when a dotted path cannot be set (it crosses a non-object value).
 */
export function expandGrid(suite: Suite): PlannedRun[] {
  const grids = suite.grids ?? [{ base: {}, axes: suite.axes ?? {} }];
  const runs: PlannedRun[] = [];
  grids.forEach((grid, g) => {
    const gridPath = suite.grids ? ['grids', g] : [];
    const axes = expandAxes(grid.axes, [...gridPath, 'axes']);
    const base = deepMerge(suite.base as JsonObject, grid.base as JsonObject);
    for (const combo of cartesian(axes)) {
      const patches = combo.flatMap((choice) => choice.patches);
      const raw = patches.reduce(applyPatch, base);
      runs.push({
        index: runs.length,
        ...(suite.grids ? { grid: 'label' in grid && grid.label ? grid.label : `grids[${g}]` } : {}),
        gridPath,
        axes: Object.fromEntries(axes.map((axis, i) => [axis.name, combo[i]!.label])),
        raw,
        patches,
      });
    }
  });
  return runs;
}
