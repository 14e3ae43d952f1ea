import { issueLines } from '@topiary/core';
import type { z } from 'zod';
import { checkDescriptor, configNameSchema, descriptorFields, functionField } from '../json/descriptor-fields.js';
import { checkLoaderResult, datasetFromSplits, type UserDatasetArrays } from './dataset-arrays.js';
import { DatasetError } from './dataset-error.js';
import type { LoadedDataset } from './loaded-dataset.js';

/**
 * A data set a plugin provides, described once: its name in run configs (`"data": { "dataset": <name>, "options":
 * {…} }`), a one-line doc, the zod schema of `data.options` and its loader. The loader returns the arrays a `module`
 * data set's loader returns, and they are checked the same way (shapes, counts, labels).
 */
export interface DatasetDescriptor<S extends z.ZodObject = z.ZodObject> {
  /** Its name in run configs' `data.dataset`: lower-case words joined by `-`, `:` or `.` (e.g. `my-lab:kmnist`). */
  readonly name: string;
  /** One line for listings. */
  readonly doc: string;
  /** The schema of `data.options`, a zod object; unknown keys should be refused (`closedObject` from `@topiary/core`). */
  readonly options: S;
  /** Options that load a representative copy, for tests and listings. @default {} */
  readonly example?: z.input<S>;
  /** Loads both splits from options that passed `options`. */
  load(options: z.output<S>): UserDatasetArrays | Promise<UserDatasetArrays>;
}

/** The fields of a data-set descriptor. */
const datasetDescriptorShape = {
  name: configNameSchema,
  ...descriptorFields,
  load: functionField('(options) => ({ train: { x, y }, test: { x, y } })'),
};

/**
 * Checks a data-set descriptor and freezes it: a name of lower-case words joined by `-`, `:` or `.`, a one-line
 * doc, a zod object of options, a `load` function and, when given, example options that pass the schema.
 * Throws a RangeError naming the data set, the field and what is allowed.
 */
export function defineDataset<S extends z.ZodObject>(descriptor: DatasetDescriptor<S>): DatasetDescriptor<S> {
  const name = (descriptor as { name?: unknown } | null)?.name;
  return checkDescriptor(descriptor, datasetDescriptorShape, `data set ${JSON.stringify(name)}`);
}

/**
 * Loads a plugin's data set: validates `options` with the descriptor's schema, calls its `load` and checks the
 * arrays as a `module` data set's are checked. Problems are {@link DatasetError}s naming `source` (the plugin).
 */
export async function loadDescribedDataset(descriptor: DatasetDescriptor, options: Readonly<Record<string, unknown>> | undefined, source: string): Promise<LoadedDataset> {
  const where = `${source} (data set ${JSON.stringify(descriptor.name)})`;
  const parsed = descriptor.options.safeParse(options ?? {}, { reportInput: true });
  if (!parsed.success) {
    throw new DatasetError(where, issueLines(parsed.error, 'data.options').join('; '), 'Give the options the data set takes.');
  }
  let result: unknown;
  try {
    result = await descriptor.load(parsed.data);
  } catch (cause) {
    throw new DatasetError(where, `load() threw: ${(cause as Error).message}`, 'Fix the loader so that it returns the arrays.', { cause });
  }
  const arrays = checkLoaderResult(result, where, 'load()');
  return datasetFromSplits(
    { ...arrays.train, xFile: `${where} train.x`, yFile: `${where} train.y` },
    { ...arrays.test, xFile: `${where} test.x`, yFile: `${where} test.y` },
    { name: descriptor.name, origin: 'plugin', source, files: [] },
  );
}
