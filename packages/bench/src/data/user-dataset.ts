import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from './checksum.js';
import { parseCsv } from './csv.js';
import { checkLoaderResult, datasetFromSplits, type NamedSplit, type UserArray, type UserDatasetArrays } from './dataset-arrays.js';
import { DatasetError } from './dataset-error.js';
import type { UserDatasetKind } from './dataset-name.js';
import { MNIST_FORMAT_FILES, type DataFileRole } from './fashion-mnist-files.js';
import { decompressIfGzip, parseIdx } from './idx.js';
import { importUserModule } from './import-module.js';
import type { DataFileInfo, LoadDatasetOptions, LoadedDataset } from './loaded-dataset.js';
import { findDataFiles } from './locate-fashion-mnist.js';
import { parseNpy, parseNpz, type NpyArray } from './npy.js';

/** A data-set module's loader: `export default async function load(options) { return { train, test }; }`. */
export type UserDatasetLoader = (options: Readonly<Record<string, unknown>>) => UserDatasetArrays | Promise<UserDatasetArrays>;

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
  let train: NamedSplit;
  let test: NamedSplit;
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
      const table = async (path: string, role: 'train' | 'test'): Promise<NamedSplit> => {
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
      const arrays = checkLoaderResult(result, path, `the loader '${exportName}'`);
      train = { ...arrays.train, xFile: `${path} (train.x)`, yFile: `${path} (train.y)` };
      test = { ...arrays.test, xFile: `${path} (test.x)`, yFile: `${path} (test.y)` };
      break;
    }
  }
  return datasetFromSplits(train, test, { name: options.dataset, origin: 'option', source, files });
}
