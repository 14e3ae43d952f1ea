import * as tf from '@tensorflow/tfjs-core';
import type { LayerChange, LayerSelectionRequest, MaskSelection, SelectionRound, SelectionStep } from './mask-selection.js';
import type { MaskState } from './mask-state.js';
import { dropPositions, growPositions, selectHighestInactive, selectLowestActive } from './selection.js';

/** Host selection's working mask of one layer: the 0/1 mask so far and the positions grown that were inactive before the update. */
export interface HostLayerMask {
  /** The layer's mask after this update's drop (and grow, once grown). */
  readonly mask: Uint8Array;
  /** Grown positions that were inactive before the update (empty until the layer grows). */
  readonly newConnections: Int32Array;
}

async function readScores(t: tf.Tensor): Promise<Float32Array> {
  const values = (await t.data()) as Float32Array;
  t.dispose();
  return values;
}

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/** Reads one layer's scores, or the reason naming its first non-finite score. */
async function scoresOf(request: LayerSelectionRequest): Promise<Float32Array | string> {
  const scores = await readScores(tf.tidy(() => request.criterion.score(request.context())));
  const bad = firstNonFinite(scores);
  return bad >= 0 ? `${request.description} are not finite (value ${scores[bad]} at ${bad})` : scores;
}

const skip = (reason: string): SelectionStep<never> => ({ ok: false, reason });

function hostRound(state: MaskState): SelectionRound<HostLayerMask> {
  return {
    async drop(request) {
      const scores = await scoresOf(request);
      if (typeof scores === 'string') return skip(scores);
      const before = state.mask(request.index);
      return { ok: true, mask: { mask: dropPositions(before, selectLowestActive(scores, before, request.count)), newConnections: new Int32Array(0) } };
    },
    async grow(request, afterDrop) {
      const scores = await scoresOf(request);
      if (typeof scores === 'string') return skip(scores);
      const dropped = afterDrop?.mask ?? state.mask(request.index);
      const grown = selectHighestInactive(scores, dropped, request.count);
      const before = state.mask(request.index);
      return { ok: true, mask: { mask: growPositions(dropped, grown), newConnections: grown.filter((p) => before[p] === 0) } };
    },
    // every layer was checked when its scores were read
    check: async () => undefined,
    finish: async (masks) => masks.map((m, i): LayerChange => (m ? { mask: m.mask, newConnections: m.newConnections } : { mask: state.mask(i), newConnections: new Int32Array(0) })),
    release() {},
  };
}

/**
 * Host selection: reads each layer's drop and grow scores, checks them at once (the first non-finite layer
 * skips the update, and no later criterion is called) and selects with the quickselect of `selection.ts`
 * (ties to the lower flat index). Holds no tensor between steps.
 */
export const hostMaskSelection: MaskSelection<HostLayerMask> = { kind: 'host', begin: hostRound };
