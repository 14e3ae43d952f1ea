import * as tf from '@tensorflow/tfjs-core';
import { webGpuTileCandidates } from '../webgpu/tile-top-k.js';
import type { AfterDrop } from './after-drop.js';
import { GRADIENT_TILE_FLOATS, type GrowResult } from './grow-positions.js';
import { RunningTopK } from './running-top-k.js';
import type { DeviceLayerCapture } from './webgpu-sparse-matmul.js';

/**
 * Gradient growth (RigL) on the webgpu backend: the dense gradient Xᵀ·dY computed on the device one block of rows at
 * a time (the same tf.matMul as the host path), each tile's k best inactive positions found there (WGSL scores and
 * tfjs's top-k), and only those read to the host and merged by a RunningTopK: the positions `gradientGrowth` picks
 * (ties to the lower position), with 2k + 1 numbers read per tile instead of the tile.
 */
export async function deviceGradientGrowth(after: AfterDrop, capture: DeviceLayerCapture, k: number, layerName: string, tileFloats = GRADIENT_TILE_FLOATS): Promise<GrowResult> {
  const { inputs, outputs, nnz } = after.kernel;
  const { batch, x, dy, structure } = capture;
  if (structure.inputs !== inputs || structure.outputs !== outputs || structure.nnz !== nnz) {
    throw new Error(`deviceGradientGrowth (layer ${layerName}): the captured structure is ${structure.inputs}×${structure.outputs} with ${structure.nnz} entries; the layer's is ${inputs}×${outputs} with ${nnz}`);
  }
  if (!(Number.isInteger(tileFloats) && tileFloats >= 1)) throw new Error(`deviceGradientGrowth: tileFloats is ${tileFloats}; expected an integer ≥ 1`);
  const top = new RunningTopK(k);
  const rowsPerTile = Math.max(1, Math.floor(tileFloats / outputs));
  const dropped = tf.tensor1d(nnz > 0 ? Int32Array.from(after.dropped) : new Int32Array(1), 'int32');
  try {
    for (let r0 = 0; r0 < inputs; r0 += rowsPerTile) {
      const rows = Math.min(rowsPerTile, inputs - r0);
      const tile = tf.tidy(() => tf.matMul(tf.slice(x, [0, r0], [batch, rows]), dy, true, false));
      let best;
      try {
        best = await webGpuTileCandidates(structure, tile, r0, dropped, k);
      } finally {
        tile.dispose();
      }
      if (!best.finite) return { ok: false, reason: `'gradient' grow scores of layer ${layerName} are not finite` };
      const base = r0 * outputs;
      for (let j = 0; j < best.scores.length; j++) {
        const score = best.scores[j]!;
        if (score >= top.threshold) top.offer(score, base + best.positions[j]!);
      }
    }
  } finally {
    dropped.dispose();
  }
  return { ok: true, positions: top.positionsAscending() };
}
