import type * as tfl from '@tensorflow/tfjs-layers';
import type { z } from 'zod';
import { checkDescriptor, configNameSchema, descriptorFields, functionField } from '../json/descriptor-fields.js';
import type { ModelBuilderContext } from './model-context.js';

/**
 * A model a plugin provides, described once: its kind in run configs (`"model": { "kind": <kind>, …options }`, as
 * the built-in models are written), a one-line doc, the zod schema of its options and its builder. Built models
 * are checked against the data as every model is (one input taking the examples, a softmax over the classes).
 */
export interface ModelDescriptor<S extends z.ZodObject = z.ZodObject> {
  /** Its kind in run configs' `model.kind`: lower-case words joined by `-`, `:` or `.` (e.g. `my-lab:cnn`). */
  readonly kind: string;
  /** One line for listings. */
  readonly doc: string;
  /** The options beside `kind`, a zod object; unknown keys should be refused (`closedObject` from `@topiary/core`). */
  readonly options: S;
  /** Options that build a representative model, for tests and listings. @default {} */
  readonly example?: z.input<S>;
  /**
   * Builds a fresh tfjs-layers model (or a promise of one) from options that passed `options`, with initialisers
   * seeded from `seed`; build it with the `tfl` of `context`, the bench's own copy of tfjs-layers.
   */
  build(options: z.output<S>, seed: number, context: ModelBuilderContext): tfl.LayersModel | Promise<tfl.LayersModel>;
}

/** The fields of a model descriptor. */
const modelDescriptorShape = {
  kind: configNameSchema,
  ...descriptorFields,
  build: functionField('(options, seed, { tf, tfl, data }) => tfl.LayersModel'),
};

/**
 * Checks a model descriptor and freezes it: a kind of lower-case words joined by `-`, `:` or `.`, a one-line doc,
 * a zod object of options that does not declare `kind`, a `build` function and, when given, example options that
 * pass the schema. Throws a RangeError naming the model, the field and what is allowed.
 */
export function defineModel<S extends z.ZodObject>(descriptor: ModelDescriptor<S>): ModelDescriptor<S> {
  const kind = (descriptor as { kind?: unknown } | null)?.kind;
  const where = `model ${JSON.stringify(kind)}`;
  const checked = checkDescriptor(descriptor, modelDescriptorShape, where);
  if ('kind' in checked.options.shape) throw new RangeError(`${where}: options must not declare 'kind' (it is the descriptor's own)`);
  return checked;
}
