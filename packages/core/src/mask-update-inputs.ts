import type * as tf from '@tensorflow/tfjs-core';
import type { PrunableKernel } from './layers.js';
import type { LayerChange } from './mask-selection.js';
import type { MaskState } from './mask-state.js';
import type { GroupLayout } from './n-m-groups.js';
import type { Rng } from './rng.js';
import type { Distribution, MaskGranularity, MaskUpdatePolicy, ScoreContext } from './types.js';

/** Inputs of `planUpdate` (mask-update.ts). */
export interface UpdateInputs {
  /** The step at which the update happens. */
  readonly step: number;
  /** The strategy's update policy. */
  readonly update: MaskUpdatePolicy;
  /** The strategy's distribution (pruning targets are distributed with it). */
  readonly distribution: Distribution;
  /** Masked kernels in order. */
  readonly kernels: readonly PrunableKernel[];
  /** Current masks. */
  readonly state: MaskState;
  /** Dense gradients per masked layer (present when a criterion needs them). */
  readonly gradients: readonly tf.Tensor[];
  /** Dense-gradient momentum per masked layer (present when a criterion needs it). */
  readonly momentum: readonly tf.Tensor[] | undefined;
  /** The engine's generator. */
  readonly rng: Rng;
  /** The strategy's mask structure (N:M or constant fan-in), kept by the update; absent: unstructured. */
  readonly granularity?: MaskGranularity;
  /** Every layer's groups under `granularity` (`groupLayouts`); required for constant fan-in, derived from n and m for N:M when absent. */
  readonly groups?: readonly GroupLayout[];
}

/** A computed update, or the reason it must be skipped. */
export type UpdatePlan =
  | { readonly ok: true; readonly layers: readonly LayerChange[]; readonly changedAny: boolean; readonly growInit: MaskUpdatePolicy['growInit']; readonly rng: Rng }
  | { readonly ok: false; readonly reason: string };

/** What a criterion sees for masked layer i at this update. */
export function scoreContext(inputs: UpdateInputs, i: number): ScoreContext {
  const { step, kernels, state, gradients, momentum, rng } = inputs;
  const k = kernels[i]!;
  return {
    layer: k.shape,
    weight: k.variable,
    mask: state.maskTensor(i),
    step,
    rng,
    ...(gradients[i] ? { gradient: gradients[i] } : {}),
    ...(momentum?.[i] ? { momentum: momentum[i] } : {}),
  };
}
