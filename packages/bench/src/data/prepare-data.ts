import { Rng, check } from '@topiary/core';
import type { DatasetInfo, ImageSet, LoadedDataset } from './loaded-dataset.js';
import { computeNormalization, type NormalizeMode, type PixelNormalization } from './normalization.js';
import { seededPermutation } from './permutation.js';
import { gatherExamples } from './stratified-subset.js';

/** Options for {@link prepareData}. */
export interface PrepareDataOptions {
  /** Training examples held out for validation: the last N of a seeded permutation of the training set. @default 0 */
  readonly validationSplit?: number;
  /** Input normalisation, computed on the remaining training examples. @default 'none' */
  readonly normalize?: NormalizeMode;
  /** Use only the first N training examples of the files (applied before the split). @default all */
  readonly trainLimit?: number;
  /** Use only the first N test examples. @default all */
  readonly testLimit?: number;
  /** Seed of the validation permutation. @default 0 */
  readonly seed?: number;
}

/** Dataset info plus what a run actually used of it. */
export interface PreparedDatasetInfo extends DatasetInfo {
  /** Training examples used for training. */
  readonly trainUsed: number;
  /** Training examples held out for validation. */
  readonly validationUsed: number;
  /** Test examples evaluated. */
  readonly testUsed: number;
  /** Normalisation mode. */
  readonly normalize: NormalizeMode;
  /** Pixel mean subtracted (after scaling to [0, 1]). */
  readonly pixelMean: number;
  /** Pixel std divided by (after scaling to [0, 1]). */
  readonly pixelStd: number;
}

/** Splits ready for batching. */
export interface PreparedData {
  /** Examples to train on. */
  readonly train: ImageSet;
  /** Held-out validation examples (empty when validationSplit is 0). */
  readonly validation: ImageSet;
  /** Examples to test on. */
  readonly test: ImageSet;
  /** How bytes become inputs. */
  readonly normalization: PixelNormalization;
  /** What data this is. */
  readonly info: PreparedDatasetInfo;
}

/** Applies the limits, holds out the validation examples and computes the input normalisation. */
export function prepareData(loaded: LoadedDataset, options: PrepareDataOptions = {}): PreparedData {
  const validationSplit = options.validationSplit ?? 0;
  const trainLimit = options.trainLimit ?? loaded.train.count;
  const testLimit = options.testLimit ?? loaded.test.count;
  checkCount(trainLimit, 'trainLimit', 1);
  checkCount(testLimit, 'testLimit', 1);
  checkCount(validationSplit, 'validationSplit', 0);
  const trainAvailable = Math.min(trainLimit, loaded.train.count);
  if (validationSplit >= trainAvailable) {
    throw new RangeError(
      `validationSplit must be smaller than the ${trainAvailable} training examples available, got ${validationSplit}`,
    );
  }
  const order = seededPermutation(trainAvailable, Rng.fromSeed(options.seed ?? 0));
  const trainCount = trainAvailable - validationSplit;
  const train =
    validationSplit === 0 ? take(loaded.train, trainAvailable) : gatherExamples(loaded.train, order.subarray(0, trainCount));
  const validation = gatherExamples(loaded.train, order.subarray(trainCount));
  const test = take(loaded.test, Math.min(testLimit, loaded.test.count));
  const normalization = computeNormalization(train, options.normalize ?? 'none');
  return {
    train,
    validation,
    test,
    normalization,
    info: {
      ...loaded.info,
      trainUsed: train.count,
      validationUsed: validation.count,
      testUsed: test.count,
      normalize: normalization.mode,
      pixelMean: normalization.mean,
      pixelStd: normalization.std,
    },
  };
}

function take(set: ImageSet, count: number): ImageSet {
  if (count === set.count) return set;
  return { ...set, images: set.images.subarray(0, count * (set.images.length / set.count)), labels: set.labels.subarray(0, count), count };
}

function checkCount(value: number, field: string, min: number): void {
  check(Number.isInteger(value) && value >= min, field, value, `an integer ≥ ${min}`);
}
