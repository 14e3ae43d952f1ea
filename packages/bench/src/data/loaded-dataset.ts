import type { DatasetName, DatasetRequest, PluginDatasetName, UserDatasetKind } from './dataset-name.js';
import { IMAGE_PIXELS, NUM_CLASSES, type DataFileRole } from './fashion-mnist-files.js';
import type { DataOrigin, LocateOptions } from './locate-fashion-mnist.js';

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
  /** The data set's name (a built-in or a plugin's) or kind (`idx`, `npy`, `npz`, `csv`, `module`). */
  readonly name: DatasetName | UserDatasetKind | PluginDatasetName;
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
  /** The data set to load (`fashion-mnist-or-subset`: the full set when found locally, else the subset), or a plugin's data set. */
  readonly dataset: DatasetRequest | PluginDatasetName;
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
  /** Passed to a `module` data set's loader, or a plugin data set's `load` (checked by its options schema first). @default {} */
  readonly options?: Readonly<Record<string, unknown>>;
}
