import type { LayerShape } from './types.js';

/**
 * Forward (inference) FLOPs of one kernel layer for one sample with `active` nonzero weights, as the RigL
 * paper's counter (Evci et al. 2020, App. H) counts them: a fully connected layer does c_in·d·c_out
 * multiplications and (c_in·d − 1)·c_out + c_out additions (the last term is the bias); a convolution does the
 * same per output position, L = k²·c_in·d. An embedding lookup costs no FLOPs.
 */
export function layerForwardFlops(layer: LayerShape, active: number): number {
  if (layer.kind === 'embedding') return 0; // a table lookup: no multiply-adds
  const mults = active;
  const adds = active - layer.fanOut + (layer.hasBias ? layer.fanOut : 0);
  return (mults + Math.max(adds, 0)) * layer.outputPositions;
}

/** Forward FLOPs per sample over all kernel layers, with `actives[i]` nonzeros in `layers[i]`. */
export function forwardFlops(layers: readonly LayerShape[], actives: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < layers.length; i++) total += layerForwardFlops(layers[i]!, actives[i]!);
  return total;
}

/**
 * Training FLOPs per sample of one step (RigL App. H, backward = 2 × forward): 3·f_S for a sparse step,
 * 2·f_S + f_D when the step also needs the dense gradient (a RigL update step, every SNFS step).
 */
export function trainingStepFlops(sparseForward: number, denseForward: number, denseGradient: boolean): number {
  return denseGradient ? 2 * sparseForward + denseForward : 3 * sparseForward;
}

/** Accumulated FLOPs accounting of a training run. */
export interface FlopsReport {
  /** Forward FLOPs per sample with the current masks (f_S). */
  readonly inferencePerSample: number;
  /** Forward FLOPs per sample of the dense model (f_D). */
  readonly denseInferencePerSample: number;
  /** f_S / f_D. */
  readonly inferenceRatio: number;
  /** Training FLOPs accumulated over the steps taken (samples × per-sample step cost). */
  readonly training: number;
  /** What dense training (3·f_D per sample) would have cost over the same samples. */
  readonly denseTraining: number;
  /** training / denseTraining (1 before any step). */
  readonly trainingRatio: number;
}

/** The {@link FlopsReport} of forward FLOPs per sample `sparse` (current masks) and `dense`, and the training FLOPs accumulated so far against dense training's. */
export function flopsReport(sparse: number, dense: number, training: number, denseTraining: number): FlopsReport {
  return {
    inferencePerSample: sparse,
    denseInferencePerSample: dense,
    inferenceRatio: sparse / dense,
    training,
    denseTraining,
    trainingRatio: denseTraining > 0 ? training / denseTraining : 1,
  };
}
