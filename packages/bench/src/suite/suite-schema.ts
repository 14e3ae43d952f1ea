import { closedObject } from '@topiary/algorithms';
import { z } from 'zod';

/** Any JSON object: a partial run configuration, checked later against the run-config schema. */
const partialConfigSchema = z.record(z.string(), z.json());

/** A non-empty list of values one knob takes. */
const axisValuesSchema = z.array(z.json()).min(1, 'an axis needs at least one value');

/**
 * The shorthand axis form: dotted config paths mapped to the values they take, combined as a cartesian
 * product, e.g. `{ "algorithm.method": ["rigl", "set"], "seed": [0, 1, 2] }`.
 */
export const axisMapSchema = z.record(z.string().min(1, 'an axis path cannot be empty'), axisValuesSchema);

/** One knob swept over a list of values. */
export const valuesAxisSchema = closedObject({
  /** Selects a single-knob axis. */
  kind: z.literal('values'),
  /** Dotted path of the knob in the run configuration, e.g. `algorithm.sparsity`. */
  path: z.string().min(1),
  /** The values it takes. */
  values: axisValuesSchema,
  /** Column name in tables and results. @default the path */
  name: z.string().min(1).optional(),
});

/** Several knobs that change together: the i-th run of the axis takes the i-th value of every list. */
export const zipAxisSchema = closedObject({
    /** Selects a zipped axis. */
    kind: z.literal('zip'),
    /** Column name in tables and results. */
    name: z.string().min(1),
    /** Dotted config paths mapped to equally long value lists. */
    paths: z.record(z.string().min(1), axisValuesSchema),
    /** One label per position, shown in tables. @default the values joined by `/` */
    labels: z.array(z.string().min(1)).optional(),
  })
  .superRefine((axis, ctx) => {
    const lengths = Object.values(axis.paths).map((values) => values.length);
    if (lengths.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'a zipped axis needs at least one path', path: ['paths'] });
      return;
    }
    const [first] = lengths;
    Object.entries(axis.paths).forEach(([path, values]) => {
      if (values.length !== first) {
        ctx.addIssue({
          code: 'custom',
          message: `every list of a zipped axis must have the same length (${first}), this one has ${values.length}`,
          path: ['paths', path],
        });
      }
    });
    if (axis.labels !== undefined && axis.labels.length !== first) {
      ctx.addIssue({
        code: 'custom',
        message: `labels must have one entry per position (${first}), got ${axis.labels.length}`,
        path: ['labels'],
      });
    }
  });

/** Named variants, each a partial run configuration deep-merged over the base (e.g. RigL ERK vs RigL uniform). */
export const variantsAxisSchema = closedObject({
  /** Selects a variants axis. */
  kind: z.literal('variants'),
  /** Column name in tables and results, e.g. `method`. */
  name: z.string().min(1),
  /** The variants, each with a label and the configuration it patches in. */
  variants: z
    .array(
      closedObject({
        /** The variant's name in tables and plots, e.g. `RigL (ERK)`. */
        label: z.string().min(1),
        /** A partial run configuration: objects merge, other values replace. */
        config: partialConfigSchema,
      }),
    )
    .min(1, 'a variants axis needs at least one variant'),
});

/** One axis of the list form. */
export const axisSchema = z.discriminatedUnion('kind', [valuesAxisSchema, zipAxisSchema, variantsAxisSchema]);

/** Axes in the shorthand map form or the list form (whose order sets the run order, first axis outermost). */
export const axesSchema = z.union([axisMapSchema, z.array(axisSchema)]);

/** A sub-grid: its own axes, optionally over a patched base. */
export const gridSchema = closedObject({
  /** A name for the sub-grid in error messages. @default its position */
  label: z.string().min(1).optional(),
  /** A partial run configuration deep-merged over the suite's base for this grid only. @default {} */
  base: partialConfigSchema.default({}),
  /** The grid's axes. @default {} (one run) */
  axes: axesSchema.default({}),
});

/**
 * A benchmark suite: a base run configuration and axes that expand to a grid of runs. Either `axes` (one grid)
 * or `grids` (the union of several grids, e.g. dense once per seed beside a method × sparsity grid).
 */
export const suiteSchema = closedObject({
    /** Editors' JSON-schema pointer; ignored. */
    $schema: z.string().optional(),
    /** The suite's name, stored with every result. */
    name: z.string().min(1),
    /** What the suite compares. */
    description: z.string().optional(),
    /**
     * Plugin modules (paths relative to the suite file: `.mjs` or `.js`, `.ts` when the bench runs under tsx) whose
     * components, models and data sets the runs may name besides the built-ins. @default []
     */
    plugins: z.array(z.string().min(1, 'a plugin path cannot be empty')).optional(),
    /** The run configuration every run starts from (partial: defaults are filled by the run-config schema). @default {} */
    base: partialConfigSchema.default({}),
    /** Axes of a single grid. */
    axes: axesSchema.optional(),
    /** Several grids whose runs are concatenated. */
    grids: z.array(gridSchema).min(1).optional(),
  })
  .superRefine((suite, ctx) => {
    if (suite.axes !== undefined && suite.grids !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either "axes" or "grids", not both', path: ['grids'] });
    }
  });

/** A suite file as written. */
export type SuiteInput = z.input<typeof suiteSchema>;
/** A validated suite file. */
export type Suite = z.output<typeof suiteSchema>;
/** One axis of the list form. */
export type Axis = z.output<typeof axisSchema>;
/** Axes in either form. */
export type Axes = z.output<typeof axesSchema>;
