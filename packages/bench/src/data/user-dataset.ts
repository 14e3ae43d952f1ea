import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sha256Hex } from './checksum.js';
import { parseCsv } from './csv.js';
import { DatasetError } from './dataset-error.js';
import type { UserDatasetKind } from './dataset-name.js';
import { MNIST_FORMAT_FILES, type DataFileRole } from './fashion-mnist-files.js';
import { decompressIfGzip, parseIdx } from './idx.js';
import type { DataFileInfo, ImageSet, LoadDatasetOptions, LoadedDataset } from './loaded-dataset.js';
import { findDataFiles } from './locate-fashion-mnist.js';
import { parseNpy, parseNpz, type NpyArray } from './npy.js';

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

/** A data-set module's loader: `export default async function load(options) { return { train, test }; }`. */
export type UserDatasetLoader = (options: Readonly<Record<string, unknown>>) => UserDatasetArrays | Promise<UserDatasetArrays>;

interface Split {
  readonly x: UserArray;
  readonly y: UserArray;
  readonly xFile: string;
  readonly yFile: string;
}

/** Loads a user data set (`idx`, `npy`, `npz`, `csv`, `module`) and checks shapes, counts and labels. */
export async function loadUserDataset(options: LoadDatasetOptions & { readonly dataset: UserDatasetKind }): Promise<LoadedDataset> {
  const files: DataFileInfo[] = [];
  const read = async (path: string, role: DataFileInfo['role'], hint: string): Promise<Uint8Array> => {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new DatasetError(path, code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(cause)})`, hint, { cause });
    }
    files.push({ role, path, sha256: sha256Hex(bytes), verified: false });
    return bytes;
  };
  const need = (field: 'dir' | 'path' | 'train' | 'test', what: string): string => {
    const value = options[field];
    if (value === undefined) throw new DatasetError(`data.${field}`, `dataset '${options.dataset}' needs data.${field}: ${what}`, `Add "${field}" to the run's data config.`);
    return value;
  };
  let train: Split;
  let test: Split;
  let source: string;
  switch (options.dataset) {
    case 'idx': {
      const dir = need('dir', 'the folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (gz or raw)');
      source = dir;
      const hint = 'An IDX data set (MNIST, KMNIST, EMNIST, Fashion-MNIST) is four files named as in MNIST: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each gzip-compressed (.gz) or raw.';
      const found = await findDataFiles(dir, MNIST_FORMAT_FILES);
      if ('missing' in found) throw new DatasetError(dir, `the folder lacks ${found.missing.join(', ')} (or the same names without .gz)`, hint);
      const arrays: Partial<Record<DataFileRole, UserArray>> = {};
      for (const spec of MNIST_FORMAT_FILES) {
        const path = found.paths[spec.role];
        const idx = parseIdx(decompressIfGzip(await read(path, spec.role, hint), path, hint), path, { hint });
        arrays[spec.role] = { data: idx.data, shape: idx.dims };
      }
      train = { x: arrays.trainImages!, y: arrays.trainLabels!, xFile: found.paths.trainImages, yFile: found.paths.trainLabels };
      test = { x: arrays.testImages!, y: arrays.testLabels!, xFile: found.paths.testImages, yFile: found.paths.testLabels };
      break;
    }
    case 'npy': {
      const dir = need('dir', 'the folder holding x_train.npy, y_train.npy, x_test.npy and y_test.npy');
      source = dir;
      const hint = 'A npy data set is a folder of x_train.npy, y_train.npy, x_test.npy and y_test.npy (numpy.save).';
      const names = new Set(await readdir(dir).catch((cause: unknown) => {
        throw new DatasetError(dir, `cannot read the folder (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, hint, { cause });
      }));
      const missing = ['x_train.npy', 'y_train.npy', 'x_test.npy', 'y_test.npy'].filter((name) => !names.has(name));
      if (missing.length > 0) throw new DatasetError(dir, `the folder lacks ${missing.join(', ')}`, hint);
      const load = async (name: string, role: DataFileInfo['role']): Promise<NpyArray> => parseNpy(await read(join(dir, name), role, hint), join(dir, name));
      train = { x: await load('x_train.npy', 'trainImages'), y: await load('y_train.npy', 'trainLabels'), xFile: join(dir, 'x_train.npy'), yFile: join(dir, 'y_train.npy') };
      test = { x: await load('x_test.npy', 'testImages'), y: await load('y_test.npy', 'testLabels'), xFile: join(dir, 'x_test.npy'), yFile: join(dir, 'y_test.npy') };
      break;
    }
    case 'npz': {
      const path = need('path', 'the .npz archive holding x_train, y_train, x_test and y_test (as Keras\'s mnist.npz)');
      source = path;
      const arrays = parseNpz(await read(path, 'archive', 'Save it with numpy.savez(path, x_train=…, y_train=…, x_test=…, y_test=…).'), path);
      const missing = ['x_train', 'y_train', 'x_test', 'y_test'].filter((name) => !arrays.has(name));
      if (missing.length > 0) {
        throw new DatasetError(
          path,
          `the archive lacks ${missing.join(', ')} (it holds ${[...arrays.keys()].join(', ') || 'no .npy arrays'})`,
          'Save it with numpy.savez(path, x_train=…, y_train=…, x_test=…, y_test=…).',
        );
      }
      train = { x: arrays.get('x_train')!, y: arrays.get('y_train')!, xFile: `${path}:x_train.npy`, yFile: `${path}:y_train.npy` };
      test = { x: arrays.get('x_test')!, y: arrays.get('y_test')!, xFile: `${path}:x_test.npy`, yFile: `${path}:y_test.npy` };
      break;
    }
    case 'csv': {
      const trainPath = need('train', 'the training CSV file');
      const testPath = need('test', 'the test CSV file');
      source = trainPath;
      const table = async (path: string, role: 'train' | 'test'): Promise<Split> => {
        const parsed = parseCsv(new TextDecoder().decode(await read(path, role, 'Write a CSV of numeric features and a label column.')), path, options.labelColumn);
        return { x: { data: parsed.features, shape: [parsed.rows, parsed.columns] }, y: { data: parsed.labels, shape: [parsed.rows] }, xFile: path, yFile: path };
      };
      train = await table(trainPath, 'train');
      test = await table(testPath, 'test');
      break;
    }
    case 'module': {
      const path = need('path', 'the JS module (.mjs/.js) exporting the loader');
      source = path;
      const exportName = options.export ?? 'default';
      const loaded = await importUserModule(path, exportName, 'a loader `(options) => ({ train: { x, y }, test: { x, y } })`');
      await read(path, 'module', 'Give the path of the data-set module.');
      let result: unknown;
      try {
        result = await (loaded as UserDatasetLoader)(options.options ?? {});
      } catch (cause) {
        throw new DatasetError(path, `the loader '${exportName}' threw: ${(cause as Error).message}`, 'Fix the loader so that it returns the arrays.', { cause });
      }
      const arrays = checkLoaderResult(result, path, exportName);
      train = { ...arrays.train, xFile: `${path} (train.x)`, yFile: `${path} (train.y)` };
      test = { ...arrays.test, xFile: `${path} (test.x)`, yFile: `${path} (test.y)` };
      break;
    }
  }
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
      name: options.dataset,
      origin: 'option',
      source,
      trainCount: trainSet.count,
      testCount: testSet.count,
      files,
      featureShape,
      numClasses,
    },
    train: finish(trainSet),
    test: finish(testSet),
  };
}

/** Makes the error a user-module problem is reported with (a {@link DatasetError} or a model error). */
export type FileErrorFactory = (file: string, problem: string, fix: string, options?: { cause?: unknown }) => Error;

/** Imports a user module (resolved from the current directory when relative) and returns its export `name`, a function. */
export async function importUserModule(
  path: string,
  name: string,
  expected: string,
  makeError: FileErrorFactory = (file, problem, fix, options) => new DatasetError(file, problem, fix, options),
): Promise<(...args: never[]) => unknown> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ERR_MODULE_NOT_FOUND' && (cause as Error).message.includes(path) ? 'module not found' : `cannot import the module (${(cause as Error).message})`;
    throw makeError(path, problem, 'Give the path of an ES module (.mjs, or .js in a "type": "module" package), relative to the suite file.', { cause });
  }
  const value = module[name];
  if (typeof value !== 'function') {
    const exports = Object.keys(module);
    throw makeError(
      path,
      `export '${name}' is ${value === undefined ? 'missing' : `a ${typeof value}`}, expected ${expected} (the module exports ${exports.length > 0 ? exports.join(', ') : 'nothing'})`,
      `Export the function as '${name}' or set "export" to its name.`,
    );
  }
  return value as (...args: never[]) => unknown;
}

function checkLoaderResult(result: unknown, path: string, exportName: string): UserDatasetArrays {
  const hint = "Return { train: { x: { data, shape }, y: { data, shape } }, test: { … } } with data a typed array or number[] and shape [examples, ...features] for x, [examples] for y.";
  for (const split of ['train', 'test'] as const) {
    const part = (result as Record<string, unknown> | undefined)?.[split] as Record<string, unknown> | undefined;
    for (const key of ['x', 'y'] as const) {
      const array = part?.[key] as Partial<UserArray> | undefined;
      const ok = array !== undefined && array !== null && typeof array === 'object' && Array.isArray(array.shape) && array.data !== undefined && typeof (array.data as ArrayLike<number>).length === 'number';
      if (!ok) throw new DatasetError(path, `the loader '${exportName}' returned no ${split}.${key} as { data, shape }`, hint);
    }
  }
  return result as UserDatasetArrays;
}

function toLabelledSet(split: Split): ImageSet {
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
