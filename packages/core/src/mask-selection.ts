/**
 * The selection step of a mask update, as the planner (`planUpdate` in `mask-update.ts`) sees it. The planner
 * decides how many positions each layer drops and grows, in which order criteria are asked, and when an update
 * is skipped; a selection decides how a layer's drop and grow scores become its new mask, when finiteness is
 * checked, and how the final masks reach the plan.
 *
 * Two selections exist today: host selection (`mask-selection-host.ts`: reads the scores, quickselect on
 * typed arrays, checks each layer as it goes) and device selection (`mask-selection-device.ts`: `maskSelect`
 * on the active backend, one deferred finiteness read). The interface is also meant for a future truly sparse
 * engine that keeps each mask as a list of active indices, scores only the nonzeros for drop and only candidate
 * positions for grow: it brings its own working-mask type `M` (an index list), scores through the criterion and
 * the lazily built context it is handed (so it never needs a dense score tensor), and converts to the plan's
 * {@link LayerChange} only in {@link SelectionRound.finish}. Such a selection plugs in without touching the
 * planner.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { MaskState } from './mask-state.js';
import type { DropCriterion, GrowCriterion, LayerShape, ScoreContext } from './types.js';

/** The changes one update makes to one layer (what a selection hands to the plan). */
export interface LayerChange {
  /** The layer's mask after the update. */
  readonly mask: Uint8Array;
  /** Positions grown that were inactive before the update (they start from the grow initialiser). */
  readonly newConnections: Int32Array;
  /** The new mask already on the device (flat float32 0/1), when it was selected there; owned by the plan. */
  readonly deviceMask?: tf.Tensor;
}

/** One layer's drop or grow, as the planner asks a selection for it. */
export interface LayerSelectionRequest {
  /** Index of the masked layer. */
  readonly index: number;
  /** The masked layer. */
  readonly layer: LayerShape;
  /** `drop`: clear the `count` active positions of lowest score; `grow`: set the `count` inactive positions of highest score. */
  readonly stage: 'drop' | 'grow';
  /** Positions to change; always > 0 (the planner asks nothing of a layer that changes nothing). */
  readonly count: number;
  /** The criterion that scores this stage. */
  readonly criterion: DropCriterion | GrowCriterion;
  /** This layer's score context, built when called (a selection that scores otherwise need not build it). */
  readonly context: () => ScoreContext;
  /** How reasons and errors name these scores: `'<kind>' <stage> scores of layer <layerName>`. */
  readonly description: string;
}

/** The outcome of one selection step: the layer's working mask, or the reason the update must be skipped. */
export type SelectionStep<M> = { readonly ok: true; readonly mask: M } | { readonly ok: false; readonly reason: string };

/**
 * The selection state of one update, from {@link MaskSelection.begin}. The planner calls `drop` (layers in
 * order, those with drops), then `grow` (layers in order, those with growth), then `check`, then `finish`,
 * stopping at the first skip; it calls `release` exactly once at the end, whatever happened.
 */
export interface SelectionRound<M> {
  /** Drops `request.count` active positions of the layer's current mask; may check finiteness now and skip. */
  drop(request: LayerSelectionRequest): Promise<SelectionStep<M>>;
  /** Grows `request.count` positions inactive in `afterDrop` (undefined: the layer dropped nothing, so its current mask). */
  grow(request: LayerSelectionRequest, afterDrop: M | undefined): Promise<SelectionStep<M>>;
  /** The deferred finiteness check, after every drop and grow: the reason to skip, or undefined. */
  check(): Promise<string | undefined>;
  /** Every layer's change, from its last working mask (undefined: unchanged); the device masks returned then belong to the plan. */
  finish(masks: readonly (M | undefined)[]): Promise<LayerChange[]>;
  /** Releases whatever this round made that `finish` did not hand to the plan (all of it after a skip or a throw). */
  release(): void;
}

/** How a mask update turns scores into masks; `M` is the selection's own per-layer working mask. */
export interface MaskSelection<M = unknown> {
  /** A short name, e.g. `host` or `device`. */
  readonly kind: string;
  /** Starts the selection of one update over the current masks. */
  begin(state: MaskState): SelectionRound<M>;
}
