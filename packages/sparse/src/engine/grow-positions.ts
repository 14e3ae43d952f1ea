import * as tf from '@tensorflow/tfjs-core';
import { sampleDistinctPositions, type Rng } from '@topiary/core';
import type { AfterDrop } from './after-drop.js';
import { RunningTopK } from './running-top-k.js';
import type { LayerCapture } from './sparse-matmul.js';

/** Floats of one tile of the dense gradient (rows of Xᵀ·dY computed at a time): 2²⁰ (4 MiB). */
export const GRADIENT_TILE_FLOATS = 1 << 20;

/** Grown positions, or the reason the update is skipped. */
export type GrowResult = { readonly ok: true; readonly positions: Float64Array } | { readonly ok: false; readonly reason: string };

/** The positions of a layer's k highest |∂L/∂W| among those inactive after the drop (RigL), each an ascending flat position. */
export async function gradientGrowth(after: AfterDrop, capture: LayerCapture, k: number, layerName: string): Promise<GrowResult> {
  const { inputs, outputs, rowPointers, columnIndices } = after.kernel;
  const { batch } = capture;
  const top = new RunningTopK(k);
  const rowsPerTile = Math.max(1, Math.floor(GRADIENT_TILE_FLOATS / outputs));
  const x = tf.tensor2d(capture.x, [batch, inputs]);
  const dy = tf.tensor2d(capture.dy, [batch, outputs]);
  try {
    for (let r0 = 0; r0 < inputs; r0 += rowsPerTile) {
      const rows = Math.min(rowsPerTile, inputs - r0);
      // the same product, sliced by rows, as the masked engine's dense gradient Xᵀ·dY: per element the same sum
      const tile = tf.tidy(() => tf.matMul(tf.slice(x, [0, r0], [batch, rows]), dy, true, false));
      const values = (await tile.data()) as Float32Array;
      tile.dispose();
      for (let r = 0; r < rows; r++) {
        const i = r0 + r;
        let j = rowPointers[i]!;
        const end = rowPointers[i + 1]!;
        const base = r * outputs;
        for (let o = 0; o < outputs; o++) {
          while (j < end && columnIndices[j]! < o) j++;
          if (j < end && columnIndices[j] === o && after.dropped[j] === 0) continue;
          const score = Math.abs(values[base + o]!);
          if (!Number.isFinite(score)) return { ok: false, reason: `'gradient' grow scores of layer ${layerName} are not finite` };
          if (score >= top.threshold) top.offer(score, i * outputs + o);
        }
      }
    }
  } finally {
    tf.dispose([x, dy]);
  }
  return { ok: true, positions: top.positionsAscending() };
}

/**
 * k positions drawn uniformly among those inactive after the drop (SET's random growth) in expected O(k log k) time
 * and O(k) memory: uniform draws, rejected when active, then repeats drawn again (`sampleDistinctPositions`). When fewer than 2k positions are inactive the inactive ones
 * are listed (then the layer holds fewer than nnz + 2k positions) and k of them drawn by a partial Fisher-Yates.
 */
export function sampledRandomGrowth(after: AfterDrop, k: number, rng: Rng): Float64Array {
  const size = after.kernel.inputs * after.kernel.outputs;
  if (after.inactive < 2 * k) {
    const pool: number[] = [];
    for (let p = 0; p < size; p++) if (!after.isActive(p)) pool.push(p);
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(pool.length - i);
      const t = pool[i]!;
      pool[i] = pool[j]!;
      pool[j] = t;
    }
    return Float64Array.from(pool.slice(0, k)).sort();
  }
  return sampleDistinctPositions(size, k, rng, (p) => !after.isActive(p));
}

/**
 * Random growth in the masked engine's order: one float32 uniform per position of the kernel, in flat order, from
 * `rng` (as `randomGrow`'s host scores), the k highest among the inactive positions kept by a running top-k: the same
 * positions as the masked engine, in O(inputs · outputs) time per update but O(k) memory.
 */
export function maskedOrderRandomGrowth(after: AfterDrop, k: number, rng: Rng): Float64Array {
  const size = after.kernel.inputs * after.kernel.outputs;
  const top = new RunningTopK(k);
  for (let p = 0; p < size; p++) {
    const score = Math.fround(rng.float());
    if (score >= top.threshold && !after.isActive(p)) top.offer(score, p);
  }
  return top.positionsAscending();
}

/**
 * GSE (Heddes et al. 2024): a subset of `subset` distinct positions drawn uniformly from the layer (the draws of
 * `gseGrow`), |∂L/∂w| for its inactive ones by one dot product over the batch each, the k largest grown; should
 * the subset hold fewer than k inactive positions, the lowest-index other inactive ones fill up (as the masked
 * engine's tie order picks them). O(subset · batch + k) time and memory.
 */
export function gseGrowth(after: AfterDrop, capture: LayerCapture, k: number, subset: number, rng: Rng, layerName: string): GrowResult {
  const { inputs, outputs } = after.kernel;
  const { batch, x, dy } = capture;
  const size = inputs * outputs;
  const positions = sampleDistinctPositions(size, subset, rng);
  const top = new RunningTopK(k);
  for (const p of positions) {
    if (after.isActive(p)) continue;
    const i = Math.floor(p / outputs);
    const o = p - i * outputs;
    let g = 0;
    for (let b = 0; b < batch; b++) g += x[b * inputs + i]! * dy[b * outputs + o]!;
    const score = Math.abs(Math.fround(g));
    if (!Number.isFinite(score)) return { ok: false, reason: `'gse' grow scores of layer ${layerName} are not finite` };
    top.offer(score, p);
  }
  let s = 0;
  for (let p = 0; top.count < k && p < size; p++) {
    while (s < positions.length && positions[s]! < p) s++;
    if (positions[s] === p || after.isActive(p)) continue;
    top.offer(-1, p);
  }
  return { ok: true, positions: top.positionsAscending() };
}
