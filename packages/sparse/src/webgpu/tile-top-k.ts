// A tiled top-k of the dense gradient on the device, for gradient growth (RigL): a WGSL pass scores one tile
// (|g| at inactive positions, −1 at active ones), tfjs's top-k keeps the tile's k best, and only those k scores and
// positions are read to the host, where the tiles are merged (RunningTopK).
import * as tf from '@tensorflow/tfjs-core';
import type { DeviceStructure } from './device-structure.js';
import { webGpuGrowCandidates } from './sparse-kernels.js';

/** The best growth candidates of one tile, as read to the host. */
export interface TileCandidates {
  /** |g| of the kept candidates, descending, ties in ascending position. */
  readonly scores: Float32Array;
  /** Their flat positions inside the tile (row r of the tile, column o: r · outputs + o). */
  readonly positions: Int32Array;
  /** False when a candidate of the tile has a score that is not finite (the update is then skipped). */
  readonly finite: boolean;
}

/**
 * The k highest |g| among a tile's positions inactive after the drop (fewer when the tile has fewer), ties to the
 * lower position as tfjs's top-k on webgpu orders them: `tile` holds rows [rowOffset, rowOffset + rows) of ∂L/∂W,
 * `dropped` is an int32 vector (nnz, at least 1) with 1 at the entries dropped by this update. Reads 2k + 1 numbers.
 */
export async function webGpuTileCandidates(structure: DeviceStructure, tile: tf.Tensor, rowOffset: number, dropped: tf.Tensor, k: number): Promise<TileCandidates> {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`webGpuTileCandidates: k is ${k}; expected an integer ≥ 1`);
  const [values, indices, finite] = tf.tidy(() => {
    const scores = webGpuGrowCandidates(structure, tile, rowOffset, dropped);
    const { values, indices } = tf.topk(scores, Math.min(k, scores.size), true);
    return [values, indices, tf.all(tf.isFinite(scores))];
  });
  try {
    const [v, i, f] = await Promise.all([values.data(), indices.data(), finite.data()]);
    let count = 0;
    // active positions score −1 and sort after every candidate (scores ≥ 0)
    while (count < v.length && v[count]! >= 0) count++;
    return { scores: Float32Array.from(v.subarray(0, count)), positions: Int32Array.from(i.subarray(0, count)), finite: f[0] === 1 };
  } finally {
    tf.dispose([values, indices, finite]);
  }
}
