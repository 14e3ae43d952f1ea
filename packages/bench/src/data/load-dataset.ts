import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import { sha256Hex } from './checksum.js';
import { DatasetError } from './dataset-error.js';
import { loadDescribedDataset } from './dataset-descriptor.js';
import { isDatasetRequest, isUserDatasetKind, type DatasetName, type UserDatasetKind } from './dataset-name.js';
import type { DatasetRegistry } from './dataset-registry.js';
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
import type { DataFileInfo, ImageSet, LoadDatasetOptions, LoadedDataset } from './loaded-dataset.js';
import { DATA_DIR_ENV, findDataFiles, locateFashionMnist, type DataOrigin, type LocatedFiles } from './locate-fashion-mnist.js';
import { loadUserDataset } from './user-dataset.js';

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
 * and reports which data it is; loads a user data set (`idx`, `npy`, `npz`, `csv`, `module`), or a plugin's data
 * set from `datasets`, and checks its arrays.
 * @example
 * const data = await loadDataset({ dataset: 'fashion-mnist-subset' });
 * data.train.count; // 5000
 */
export async function loadDataset(options: LoadDatasetOptions, datasets?: DatasetRegistry): Promise<LoadedDataset> {
  if (!isDatasetRequest(options.dataset)) {
    const plugin = datasets?.get(options.dataset);
    if (!plugin) {
      throw new DatasetError(
        'data.dataset',
        `unknown data set ${JSON.stringify(options.dataset)}`,
        'Name a built-in data set, or load the plugin that provides it (the suite\'s "plugins", or --plugin).',
      );
    }
    return loadDescribedDataset(plugin.descriptor, options.options, plugin.source);
  }
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
