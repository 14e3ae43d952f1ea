import { featureSizeOf, type ImageSet } from './loaded-dataset.js';

/** Input normalisation: 'none' scales pixels to [0, 1]; 'standardize' then subtracts the mean and divides by the std. */
export type NormalizeMode = 'none' | 'standardize';

/** How features become network inputs: bytes x = (p / 255 − mean) / std, floats x = (v − mean) / std. */
export interface PixelNormalization {
  /** The mode this was computed for. */
  readonly mode: NormalizeMode;
  /** Mean of the [0, 1]-scaled training pixels ('standardize'), else 0. */
  readonly mean: number;
  /** Standard deviation of the [0, 1]-scaled training pixels ('standardize'), else 1. */
  readonly std: number;
  /** x for every byte value p, so conversion of bytes is one table look-up per pixel. */
  readonly table: Float32Array;
}

/**
 * Computes the normalisation from a (training) image set: for 'standardize' the mean and std over all its pixels
 * scaled to [0, 1] (one scalar each, as torchvision's Normalize((0.2860,), (0.3530,)) for Fashion-MNIST).
 */
export function computeNormalization(set: ImageSet, mode: NormalizeMode): PixelNormalization {
  if (mode === 'none') return normalizationFor(mode, 0, 1);
  if (mode !== 'standardize') {
    throw new RangeError(`normalize must be 'none' or 'standardize', got ${JSON.stringify(mode)}`);
  }
  if (set.count === 0) throw new RangeError('normalize: cannot standardize an empty image set');
  if (set.images instanceof Float32Array) return floatNormalization(set.images.subarray(0, set.count * featureSizeOf(set)));
  const histogram = new Float64Array(256);
  const pixels = set.images.subarray(0, set.count * featureSizeOf(set));
  for (let i = 0; i < pixels.length; i++) histogram[pixels[i]!]!++;
  let sum = 0;
  let sumSquares = 0;
  for (let p = 0; p < 256; p++) {
    const v = p / 255;
    sum += histogram[p]! * v;
    sumSquares += histogram[p]! * v * v;
  }
  const mean = sum / pixels.length;
  const std = Math.sqrt(Math.max(sumSquares / pixels.length - mean * mean, 0));
  if (!(std > 0)) throw new RangeError('normalize: the training pixels are constant, their std is 0');
  return normalizationFor(mode, mean, std);
}

function normalizationFor(mode: NormalizeMode, mean: number, std: number): PixelNormalization {
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) table[p] = (p / 255 - mean) / std;
  return { mode, mean, std, table };
}

function floatNormalization(values: Float32Array): PixelNormalization {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    sumSquares += values[i]! * values[i]!;
  }
  const mean = sum / values.length;
  const std = Math.sqrt(Math.max(sumSquares / values.length - mean * mean, 0));
  if (!(std > 0)) throw new RangeError('normalize: the training features are constant, their std is 0');
  return normalizationFor('standardize', mean, std);
}
