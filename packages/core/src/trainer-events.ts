import type * as tf from '@tensorflow/tfjs-core';

/** What {@link SparseTrainer.step} reports to `onEvent` after each step (also a skipped one). Plain data. */
export interface TrainerStepEvent {
  /** Discriminant. */
  readonly type: 'step';
  /** The step index just taken (0-based; for a skipped step, the index the next batch will take). */
  readonly step: number;
  /** The batch loss before the optimizer step (not finite for a skipped step). */
  readonly loss: number;
  /** The optimizer's learning rate during the step, when the optimizer exposes one (every tfjs optimizer does). */
  readonly learningRate?: number;
  /** Wall time of the whole step, the mask update included, in milliseconds. */
  readonly timeMs: number;
  /** Whether masks changed at this step. */
  readonly maskUpdated: boolean;
  /** Whether the step was skipped because its loss or gradient was not finite. */
  readonly skipped: boolean;
}

/** One masked layer in a {@link TrainerMaskUpdateEvent}: its counts after the update and what the update changed. */
export interface LayerUpdateCounts {
  /** Kernel variable name. */
  readonly name: string;
  /** Owning layer name. */
  readonly layerName: string;
  /** Weights in the kernel. */
  readonly size: number;
  /** Active weights after the update. */
  readonly active: number;
  /** active / size after the update. */
  readonly density: number;
  /** Weights active before and inactive after the update. */
  readonly dropped: number;
  /** Weights inactive before and active after the update. */
  readonly grown: number;
}

/**
 * What the trainer reports to `onEvent` after each scheduled mask update (from `step` and from `fitCallback`),
 * also one that was skipped. Counts are the difference of the host masks before and after, so a weight dropped
 * and regrown in the same update counts in neither. Plain data.
 */
export interface TrainerMaskUpdateEvent {
  /** Discriminant. */
  readonly type: 'mask-update';
  /** The step at which the update happened. */
  readonly step: number;
  /** Whether the update was applied (false: skipped for non-finite scores or weights, masks kept). */
  readonly applied: boolean;
  /** Why the update was skipped, when it was. */
  readonly reason?: string;
  /** Weights dropped over all masked layers. */
  readonly dropped: number;
  /** Weights grown over all masked layers. */
  readonly grown: number;
  /** 1 − active / total over the masked layers, after the update. */
  readonly sparsity: number;
  /** Fraction of masked weights ever active (in-time over-parameterisation), after the update. */
  readonly explorationRate: number;
  /** Wall time of the update (scoring, selection, applying, optimizer-slot resets), in milliseconds. */
  readonly timeMs: number;
  /** Per-layer counts, in layer order. */
  readonly layers: readonly LayerUpdateCounts[];
}

/** Everything the trainer reports through `onEvent`, discriminated on `type`. */
export type TrainerEvent = TrainerStepEvent | TrainerMaskUpdateEvent;

/**
 * Receives trainer events. It is called after the trainer's state is consistent (the step counted), so a listener
 * that throws makes `step` reject without leaving the trainer half-updated.
 */
export type TrainerEventListener = (event: TrainerEvent) => void;

/** The optimizer's current learning rate when it keeps one as a number (every tfjs optimizer does), or undefined. */
export function readLearningRate(optimizer: tf.Optimizer): number | undefined {
  const value = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Weights active in `before` and inactive in `after` (dropped) and the reverse (grown). */
export function maskDiffCounts(before: Uint8Array, after: Uint8Array): { dropped: number; grown: number } {
  let dropped = 0;
  let grown = 0;
  for (let j = 0; j < before.length; j++) {
    const was = before[j] !== 0;
    const is = after[j] !== 0;
    if (was && !is) dropped++;
    else if (!was && is) grown++;
  }
  return { dropped, grown };
}
