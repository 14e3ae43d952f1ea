import * as tf from '@tensorflow/tfjs-core';
import type { PrunableKernel } from './layers.js';
import { countActive } from './selection.js';

/**
 * The masks of all masked layers: the host copy (source of truth for counts and selection), the device copy
 * (float32 0/1, multiplied into gradients and weights) and the ever-active record for the exploration rate.
 */
export interface MaskState {
  /** Whether any layer has inactive weights (otherwise masking is the identity and is skipped). */
  readonly isSparse: boolean;
  /** Increases whenever a mask changes, so that derived values can be cached. */
  readonly version: number;
  /** Index of the masked layer whose kernel variable has this name, or −1. */
  indexOf(variableName: string): number;
  /** Host mask of layer i (do not mutate; use setMask). */
  mask(i: number): Uint8Array;
  /** Active weights of layer i. */
  active(i: number): number;
  /** Device mask of layer i. */
  maskTensor(i: number): tf.Tensor;
  /** Host record of which weights of layer i were ever active. */
  everActive(i: number): Uint8Array;
  /**
   * Replaces layer i's mask on host and device and records newly active weights. `onDevice`, when given, is
   * the same mask already on the device (any shape of the right size); it is copied instead of uploading.
   */
  setMask(i: number, mask: Uint8Array, onDevice?: tf.Tensor): void;
  /** Weights that were ever active, over all masked layers. */
  everActiveCount(): number;
  /** Sets every inactive weight to exactly 0 by selection (`where`, not a product: NaN·0 is NaN). */
  applyToWeights(): void;
  /** Releases the device masks. */
  dispose(): void;
}

function toFloat(mask: Uint8Array): Float32Array {
  const out = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i]!;
  return out;
}

/** Creates the mask state for `kernels` from host masks (and, when resuming, the ever-active records). */
export function createMaskState(kernels: readonly PrunableKernel[], masks: Uint8Array[], everActive?: Uint8Array[], actives?: number[]): MaskState {
  const names = new Map(kernels.map((k, i) => [k.variable.name, i]));
  const host: Uint8Array[] = masks.map((m) => m.slice());
  const counts = actives ? [...actives] : host.map(countActive);
  const ever = everActive ? everActive.map((e) => e.slice()) : host.map((m) => m.slice());
  const device = kernels.map((k, i) => tf.tidy(() => tf.variable(tf.tensor(toFloat(host[i]!), [...k.shape.shape], 'float32'), false)));
  // kept between mask changes so that masking a step costs one selection pass per layer
  const selectors: (tf.Tensor | undefined)[] = kernels.map(() => undefined);
  const zeros: (tf.Tensor | undefined)[] = kernels.map(() => undefined);
  const selector = (i: number): tf.Tensor => (selectors[i] ??= tf.keep(tf.greater(device[i]!, 0)));
  const zerosOf = (i: number): tf.Tensor => (zeros[i] ??= tf.keep(tf.zeros([...kernels[i]!.shape.shape])));
  let sparse = counts.some((c, i) => c < kernels[i]!.shape.size);
  let everCount = ever.reduce((s, e) => s + countActive(e), 0);
  let version = 0;
  return {
    get isSparse() {
      return sparse;
    },
    get version() {
      return version;
    },
    indexOf: (name) => names.get(name) ?? -1,
    mask: (i) => host[i]!,
    active: (i) => counts[i]!,
    maskTensor: (i) => device[i]!,
    everActive: (i) => ever[i]!,
    setMask(i, mask, onDevice) {
      version++;
      host[i] = mask;
      counts[i] = countActive(mask);
      const e = ever[i]!;
      for (let j = 0; j < mask.length; j++) {
        if (mask[j] !== 0 && e[j] === 0) {
          e[j] = 1;
          everCount++;
        }
      }
      const shape = [...kernels[i]!.shape.shape];
      const next = onDevice ? tf.reshape(onDevice, shape) : tf.tensor(toFloat(mask), shape, 'float32');
      device[i]!.assign(next);
      next.dispose();
      selectors[i]?.dispose();
      selectors[i] = undefined;
      sparse = counts.some((c, k) => c < kernels[k]!.shape.size);
    },
    everActiveCount: () => everCount,
    applyToWeights() {
      tf.tidy(() => {
        kernels.forEach((k, i) => {
          if (counts[i]! < k.shape.size) k.variable.assign(tf.where(selector(i), k.variable, zerosOf(i)));
        });
      });
    },
    dispose() {
      tf.dispose([...device, ...selectors.filter((t) => t !== undefined), ...zeros.filter((t) => t !== undefined)]);
    },
  };
}
