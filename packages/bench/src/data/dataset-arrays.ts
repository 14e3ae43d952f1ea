import { DatasetError } from './dataset-error.js';
import type { DatasetInfo, ImageSet, LoadedDataset } from './loaded-dataset.js';

/** Most classes a data set may have (labels are stored as bytes). */
export const MAX_CLASSES = 256;

/** An array as a loader returns it: values row-major and the shape (the first dimension counts the examples). */
export interface UserArray {
  /** Values, row-major; bytes are pixels 0-255 (scaled to [0, 1]), other types are used as they are. */
  readonly data: ArrayLike<number>;
  /** Shape, examples first: [n, ...featureShape] for features, [n] for labels. */
  readonly shape: readonly number[];
}

/** What a data-set module's loader returns: both splits as feature and label arrays. */
export interface UserDatasetArrays {
  /** Training features [n, ...] and class labels [n] (integers 0…K−1). */
  readonly train: { readonly x: UserArray; readonly y: UserArray };
  /** Test features [m, ...] and class labels [m]. */
  readonly test: { readonly x: UserArray; readonly y: UserArray };
}

/** One split's features and labels, with the file (or module part) each came from, named in errors. */
export interface NamedSplit {
  /** Features [n, ...featureShape]. */
  readonly x: UserArray;
  /** Class labels [n]. */
  readonly y: UserArray;
  /** Where the features came from, e.g. `x_train.npy` or `my-data.mjs (train.x)`. */
  readonly xFile: string;
  /** Where the labels came from. */
  readonly yFile: string;
}

/**
 * Makes a loaded data set from both splits after checking them: examples as rows of equal shape in both splits,
 * as many values as the shape says, one integer class label in [0, 256) per example, finite features and at
 * least two classes. Each problem is a {@link DatasetError} naming the split's file, what was found and the fix.
 */
export function datasetFromSplits(train: NamedSplit, test: NamedSplit, about: Pick<DatasetInfo, 'name' | 'origin' | 'source' | 'files'>): LoadedDataset {
  const trainSet = toLabelledSet(train);
  const testSet = toLabelledSet(test);
  const featureShape = train.x.shape.slice(1);
  const testShape = test.x.shape.slice(1);
  if (featureShape.join() !== testShape.join()) {
    throw new DatasetError(
      test.xFile,
      `has examples of shape [${testShape.join(', ')}], expected [${featureShape.join(', ')}] as in ${train.xFile}`,
      'Give the training and the test examples the same shape.',
    );
  }
  const numClasses = Math.max(maxLabel(trainSet.labels), maxLabel(testSet.labels)) + 1;
  if (numClasses < 2) {
    throw new DatasetError(train.yFile, `holds only the label 0, expected at least two classes`, 'Labels are class indices 0…K−1 with K ≥ 2.');
  }
  const finish = (set: ImageSet): ImageSet => ({ ...set, numClasses });
  return {
    info: {
      name: about.name,
      origin: about.origin,
      source: about.source,
      trainCount: trainSet.count,
      testCount: testSet.count,
      files: about.files,
      featureShape,
      numClasses,
    },
    train: finish(trainSet),
    test: finish(testSet),
  };
}

/**
 * Checks that what a loader returned has the shape of {@link UserDatasetArrays} (`who` names the loader in the
 * message, e.g. `the loader 'default'`); the arrays themselves are checked by {@link datasetFromSplits}.
 */
export function checkLoaderResult(result: unknown, path: string, who: string): UserDatasetArrays {
  const hint = "Return { train: { x: { data, shape }, y: { data, shape } }, test: { … } } with data a typed array or number[] and shape [examples, ...features] for x, [examples] for y.";
  for (const split of ['train', 'test'] as const) {
    const part = (result as Record<string, unknown> | undefined)?.[split] as Record<string, unknown> | undefined;
    for (const key of ['x', 'y'] as const) {
      const array = part?.[key] as Partial<UserArray> | undefined;
      const ok = array !== undefined && array !== null && typeof array === 'object' && Array.isArray(array.shape) && array.data !== undefined && typeof (array.data as ArrayLike<number>).length === 'number';
      if (!ok) throw new DatasetError(path, `${who} returned no ${split}.${key} as { data, shape }`, hint);
    }
  }
  return result as UserDatasetArrays;
}

function toLabelledSet(split: NamedSplit): ImageSet {
  const { x, y, xFile, yFile } = split;
  const shape = x.shape;
  if (shape.length < 2 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new DatasetError(xFile, `holds an array of shape [${shape.join(', ')}], expected [examples, ...features] with at least 2 positive dimensions`, 'Store one example per row (e.g. [60000, 28, 28] or [60000, 784]).');
  }
  const count = shape[0]!;
  const featureSize = shape.slice(1).reduce((a, b) => a * b, 1);
  if (x.data.length !== count * featureSize) {
    throw new DatasetError(xFile, `holds ${x.data.length} values, expected ${count * featureSize} for shape [${shape.join(', ')}]`, 'Make the data match its shape.');
  }
  const labelShape = y.shape;
  if (!(labelShape.length === 1 || (labelShape.length === 2 && labelShape[1] === 1)) || labelShape[0] !== count || y.data.length !== count) {
    throw new DatasetError(
      yFile,
      `holds labels of shape [${labelShape.join(', ')}], expected [${count}] (one class index per example of ${xFile})`,
      labelShape.length === 2 && labelShape[1]! > 1 ? 'The labels look one-hot: store the class indices (argmax) instead.' : 'Give every example exactly one integer class label.',
    );
  }
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = y.data[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= MAX_CLASSES) {
      throw new DatasetError(yFile, `label ${i} is ${label}, expected an integer class index in [0, ${MAX_CLASSES})`, 'Labels must be class indices 0…K−1 (integers), not one-hot vectors, floats or names.');
    }
    labels[i] = label;
  }
  let images: Uint8Array | Float32Array;
  if (x.data instanceof Uint8Array && !(x.data instanceof Uint8ClampedArray)) {
    images = x.data;
  } else {
    images = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
    for (let i = 0; i < images.length; i++) {
      if (!Number.isFinite(images[i]!)) {
        throw new DatasetError(xFile, `value ${i} (example ${Math.floor(i / featureSize)}) is ${images[i]}, expected a finite number`, 'Replace missing or infinite values before training.');
      }
    }
  }
  return { images, labels, count, featureSize };
}

function maxLabel(labels: Uint8Array): number {
  let max = 0;
  for (const label of labels) if (label > max) max = label;
  return max;
}
