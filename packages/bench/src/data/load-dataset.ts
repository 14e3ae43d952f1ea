import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import { sha256Hex } from './checksum.js';
import { DatasetError } from './dataset-error.js';
import { isUserDatasetKind, type DatasetName, type DatasetRequest, type UserDatasetKind } from './dataset-name.js';
import {
  FASHION_MNIST_FILES,
  FASHION_MNIST_HINT,
  IMAGE_PIXELS,
  MNIST_FORMAT_FILES,
  NUM_CLASSES,
  type DataFileRole,
  type DataFileSpec,
} from './fashion-mnist-files.js';
import { decompressIfGzip, parseIdx } from './idx.js';
import { loadUserDataset } from './user-dataset.js';
import { DATA_DIR_ENV, findDataFiles, locateFashionMnist, type DataOrigin, type LocatedFiles, type LocateOptions } from './locate-fashion-mnist.js';

/**
 * Examples and labels of one split. Bytes (IDX, uint8 arrays) are pixels 0-255, scaled to [0, 1] when batches are
 * built; floats (CSV, float arrays) are used as they are (then optionally standardised).
 */
export interface ImageSet {
  /** Features, `count` × `featureSize` values, row-major per example (for Fashion-MNIST 784 bytes, 28×28). */
  readonly images: Uint8Array | Float32Array;
  /** Class labels 0…numClasses−1, one per example. */
  readonly labels: Uint8Array;
  /** Number of examples. */
  readonly count: number;
  /** Values per example. @default 784 */
  readonly featureSize?: number;
  /** Number of classes the labels index. @default 10 */
  readonly numClasses?: number;
}

/** Values per example of a set (784 for Fashion-MNIST). */
export function featureSizeOf(set: ImageSet): number {
  return set.featureSize ?? IMAGE_PIXELS;
}

/** Number of classes of a set (10 for Fashion-MNIST). */
export function numClassesOf(set: ImageSet): number {
  return set.numClasses ?? NUM_CLASSES;
}

/** One data file as read: where, its checksum and whether that checksum is the published one. */
export interface DataFileInfo {
  /** What the file holds: an IDX role, or for other formats `train`, `test`, `archive` or `module`. */
  readonly role: DataFileRole | 'train' | 'test' | 'archive' | 'module';
  /** Absolute path of the file read. */
  readonly path: string;
  /** sha256 of the file's bytes as stored (compressed or not). */
  readonly sha256: string;
  /** True when the checksum matches the official Fashion-MNIST file (or the subset's manifest). */
  readonly verified: boolean;
}

/** Which data a run used, for results to record. */
export interface DatasetInfo {
  /** The data set's name (a built-in) or kind (`idx`, `npy`, `npz`, `csv`, `module`). */
  readonly name: DatasetName | UserDatasetKind;
  /** How the files were found. */
  readonly origin: DataOrigin;
  /** The directory the files were read from. */
  readonly source: string;
  /** Training examples in the files. */
  readonly trainCount: number;
  /** Test examples in the files. */
  readonly testCount: number;
  /** The files read, with their checksums. */
  readonly files: readonly DataFileInfo[];
  /** Shape of one example, e.g. [28, 28] or [13]. @default [28, 28] */
  readonly featureShape?: readonly number[];
  /** Number of classes. @default 10 */
  readonly numClasses?: number;
}

/** A loaded data set: both splits and what they are. */
export interface LoadedDataset {
  /** Which data this is. */
  readonly info: DatasetInfo;
  /** The training split. */
  readonly train: ImageSet;
  /** The test split. */
  readonly test: ImageSet;
}

/** Options for {@link loadDataset}; the locate options apply to the full data set only. */
export interface LoadDatasetOptions extends Omit<LocateOptions, 'files'> {
  /** The data set to load (`fashion-mnist-or-subset`: the full set when found locally, else the subset). */
  readonly dataset: DatasetRequest;
  /** Directory of the shipped subset. @default the package's data/fashion-mnist-subset */
  readonly subsetDir?: string;
  /** The file of an `npz` archive or a `module` data set. */
  readonly path?: string;
  /** The training CSV file of a `csv` data set. */
  readonly train?: string;
  /** The test CSV file of a `csv` data set. */
  readonly test?: string;
  /** The label column of a `csv` data set: a header name or a 0-based index. @default the `label` column, else the first */
  readonly labelColumn?: string | number;
  /** The export of a `module` data set that loads the data. @default 'default' */
  readonly export?: string;
  /** Passed to a `module` data set's loader. @default {} */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** The subset's manifest (written by scripts/make-subset.ts). */
export interface SubsetManifest {
  /** sha256 of each stored file, by file name. */
  readonly files: Readonly<Record<string, string>>;
  /** Training examples in the subset. */
  readonly trainCount: number;
  /** Test examples in the subset. */
  readonly testCount: number;
}

/** The directory of the subset shipped inside the package (data/fashion-mnist-subset). */
export function bundledSubsetDir(): string {
  return fileURLToPath(new URL('../../data/fashion-mnist-subset/', import.meta.url));
}

/**
 * Loads Fashion-MNIST or the shipped subset, checks every file (IDX header, sizes, label range, matching counts)
 * and reports which data it is.
 * @example
 * const data = await loadDataset({ dataset: 'fashion-mnist-subset' });
 * data.train.count; // 5000
 */
export async function loadDataset(options: LoadDatasetOptions): Promise<LoadedDataset> {
  if (isUserDatasetKind(options.dataset)) return loadUserDataset(options as LoadDatasetOptions & { dataset: UserDatasetKind });
  if (options.dataset === 'fashion-mnist-or-subset') {
    // an explicit location is a request for the full set: its absence is an error, not a reason to fall back
    const explicit = options.dir !== undefined || Boolean((options.env ?? process.env)[DATA_DIR_ENV]);
    if (explicit) return loadDataset({ ...options, dataset: 'fashion-mnist' });
    let located: LocatedFiles;
    try {
      located = await locateFashionMnist({ ...options, download: false });
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      return loadDataset({ ...options, dataset: 'fashion-mnist-subset' });
    }
    return readFullFashionMnist(located);
  }
  if (options.dataset === 'fashion-mnist-subset') {
    const dir = options.subsetDir ?? bundledSubsetDir();
    const hint = 'The subset ships with @topiary/bench; reinstall the package or rebuild it with scripts/make-subset.ts.';
    const manifest = await readManifest(join(dir, 'manifest.json'), hint);
    const found = await findDataFiles(dir, MNIST_FORMAT_FILES);
    if ('missing' in found) {
      throw new DatasetError(dir, `the subset directory lacks ${found.missing.join(', ')}`, hint);
    }
    return readDataset('fashion-mnist-subset', 'bundled', dir, found.paths, MNIST_FORMAT_FILES, hint, (_role, path, sha) => {
      return manifest.files[basename(path)] === sha;
    });
  }
  return readFullFashionMnist(await locateFashionMnist(options));
}

function readFullFashionMnist(located: LocatedFiles): Promise<LoadedDataset> {
  return readDataset('fashion-mnist', located.origin, located.dir, located.paths, FASHION_MNIST_FILES, FASHION_MNIST_HINT, (role, _path, sha) => {
    const official = FASHION_MNIST_FILES.find((f) => f.role === role);
    return official !== undefined && (official.gzSha256 === sha || official.rawSha256 === sha);
  });
}

async function readDataset(
  name: DatasetName,
  origin: DataOrigin,
  dir: string,
  paths: Readonly<Record<DataFileRole, string>>,
  specs: readonly DataFileSpec[],
  hint: string,
  isVerified: (role: DataFileRole, path: string, sha256: string) => boolean,
): Promise<LoadedDataset> {
  const files: DataFileInfo[] = [];
  const arrays: Partial<Record<DataFileRole, Uint8Array>> = {};
  for (const spec of specs) {
    const path = paths[spec.role];
    const bytes = await readBytes(path, hint);
    const sha256 = sha256Hex(bytes);
    const idx = parseIdx(decompressIfGzip(bytes, path, hint), path, { dims: spec.dims, hint });
    arrays[spec.role] = idx.data;
    files.push({ role: spec.role, path, sha256, verified: isVerified(spec.role, path, sha256) });
  }
  const train = toImageSet(arrays.trainImages!, arrays.trainLabels!, paths.trainImages, paths.trainLabels, hint);
  const test = toImageSet(arrays.testImages!, arrays.testLabels!, paths.testImages, paths.testLabels, hint);
  return {
    info: { name, origin, source: dir, trainCount: train.count, testCount: test.count, files },
    train,
    test,
  };
}

function toImageSet(images: Uint8Array, labels: Uint8Array, imagesPath: string, labelsPath: string, hint: string): ImageSet {
  const count = images.length / IMAGE_PIXELS;
  if (labels.length !== count) {
    throw new DatasetError(labelsPath, `holds ${labels.length} labels, expected ${count} to match ${imagesPath}`, hint);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= NUM_CLASSES) {
      throw new DatasetError(labelsPath, `label ${labels[i]} at index ${i} is out of range, expected 0-${NUM_CLASSES - 1}`, hint);
    }
  }
  return { images, labels, count };
}

async function readBytes(path: string, hint: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new DatasetError(path, `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, hint, { cause });
  }
}

async function readManifest(path: string, hint: string): Promise<SubsetManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new DatasetError(path, 'subset manifest not found', hint, { cause });
  }
  try {
    const manifest = JSON.parse(text) as SubsetManifest;
    if (typeof manifest.files !== 'object' || manifest.files === null) throw new Error('no "files" object');
    return manifest;
  } catch (cause) {
    throw new DatasetError(path, `corrupt subset manifest (${(cause as Error).message})`, hint, { cause });
  }
}
