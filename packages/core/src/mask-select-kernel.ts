/**
 * Mask selection as a tfjs kernel, so that each backend can bring its own implementation of the one step
 * every drop-and-grow method shares: given flat float32 scores and a flat float32 0/1 mask, clear the k
 * active positions of lowest score (`drop`) or set the k inactive positions of highest score (`grow`).
 * Ties go to the lower flat index, exactly as in the host selection of `selection.ts`, so that every
 * implementation selects the same positions for the same scores.
 *
 * Backend packages register implementations under {@link MASK_SELECT_KERNEL}: the WebGPU package a WGSL
 * radix select, the CPU and WASM packages {@link hostMaskSelectKernel}. Where none is registered,
 * {@link maskSelect} falls back to tfjs's `topk`, whose tie order is the backend's own.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { selectHighestInactive, selectLowestActive } from './selection.js';

/** The tfjs kernel name under which backends register mask selection. */
export const MASK_SELECT_KERNEL = 'TopiaryMaskSelect';

/** Which end of the scores a mask selection takes. */
export type MaskSelectMode = 'drop' | 'grow';

/** Attributes of {@link MASK_SELECT_KERNEL}: how many positions to change, and whether to drop or grow. */
export interface MaskSelectAttrs {
  /** Positions to change; at most the number of active (`drop`) or inactive (`grow`) positions. */
  readonly k: number;
  /** `drop`: clear the k active positions of lowest score; `grow`: set the k inactive positions of highest score. */
  readonly mode: MaskSelectMode;
}

/** Whether the active tfjs backend has a registered {@link MASK_SELECT_KERNEL}. */
export function hasMaskSelectKernel(): boolean {
  return tf.getKernel(MASK_SELECT_KERNEL, tf.getBackend()) !== undefined;
}

function checkInputs(scores: tf.Tensor, mask: tf.Tensor, k: number, mode: MaskSelectMode): void {
  if (scores.rank !== 1 || mask.rank !== 1 || scores.size !== mask.size) {
    throw new RangeError(`maskSelect: scores [${scores.shape.join(', ')}] and mask [${mask.shape.join(', ')}] must be flat and of one length`);
  }
  if (scores.dtype !== 'float32' || mask.dtype !== 'float32') {
    throw new TypeError(`maskSelect: scores (${scores.dtype}) and mask (${mask.dtype}) must be float32`);
  }
  if (!Number.isInteger(k) || k < 0 || k > scores.size) {
    throw new RangeError(`maskSelect: k must be an integer in [0, ${scores.size}], got ${k}`);
  }
  if (mode !== 'drop' && mode !== 'grow') throw new RangeError(`maskSelect: mode must be 'drop' or 'grow', got ${String(mode)}`);
}

/** Float32 0/1 vector with ones at `indices` (distinct flat positions) and zeros elsewhere. */
function indicator(indices: tf.Tensor, size: number): tf.Tensor {
  return tf.scatterND(tf.expandDims(indices, 1), tf.ones([indices.size], 'float32'), [size]);
}

/** Largest finite float32: candidates' scores are clipped to ±this so that the ±∞ marking non-candidates stays apart. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The fallback where no kernel is registered: tfjs `where` + `topk` + `scatterND`. Ties follow the backend's
 * topk, and ±∞ scores tie with the largest finite ones; only candidates are ever selected.
 */
function maskSelectWithTopk(scores: tf.Tensor, mask: tf.Tensor, k: number, mode: MaskSelectMode): tf.Tensor {
  return tf.tidy(() => {
    const finite = tf.clipByValue(scores, -FLOAT32_MAX, FLOAT32_MAX);
    if (mode === 'drop') {
      const candidates = tf.where(tf.greater(mask, 0), finite, tf.scalar(Number.POSITIVE_INFINITY));
      const { indices } = tf.topk(tf.neg(candidates), k, false);
      return tf.mul(mask, tf.sub(1, indicator(indices, mask.size)));
    }
    const candidates = tf.where(tf.greater(mask, 0), tf.scalar(Number.NEGATIVE_INFINITY), finite);
    const { indices } = tf.topk(candidates, k, false);
    return tf.add(mask, indicator(indices, mask.size));
  });
}

/**
 * The mask after dropping (or growing) k positions, computed on the active backend: through its registered
 * {@link MASK_SELECT_KERNEL} (ties to the lower index), else through tfjs `topk`. Scores and mask are flat
 * float32; the caller owns the result. k is checked against the layer size only: counting the candidates
 * would need a read from the device, so a k above them is the caller's error (the host kernel throws, the
 * WebGPU kernel changes every candidate).
 */
export function maskSelect(scores: tf.Tensor, mask: tf.Tensor, k: number, mode: MaskSelectMode): tf.Tensor {
  checkInputs(scores, mask, k, mode);
  if (k === 0) return tf.clone(mask);
  if (!hasMaskSelectKernel()) return maskSelectWithTopk(scores, mask, k, mode);
  const attrs: MaskSelectAttrs = { k, mode };
  return tf.engine().runKernel(MASK_SELECT_KERNEL, { scores, mask }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * The mask after dropping (or growing) k positions, computed on the host with the quickselect of
 * `selection.ts` (ties to the lower index): the reference every mask-select kernel matches.
 */
export function maskSelectOnHost(scores: ArrayLike<number>, mask: ArrayLike<number>, k: number, mode: MaskSelectMode): Float32Array {
  const out = Float32Array.from(mask);
  if (mode === 'drop') for (const p of selectLowestActive(scores, mask, k)) out[p] = 0;
  else for (const p of selectHighestInactive(scores, mask, k)) out[p] = 1;
  return out;
}

/**
 * A {@link MASK_SELECT_KERNEL} for backends that can read their data synchronously (CPU, WASM): it runs
 * the host quickselect of `selection.ts` on the backend's buffers, so device selection there selects
 * exactly what host selection does.
 */
export function hostMaskSelectKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
    const backend = anyBackend as KernelBackend;
    const scores = inputs['scores'] as TensorInfo;
    const mask = inputs['mask'] as TensorInfo;
    const { k, mode } = attrs as unknown as MaskSelectAttrs;
    const out = maskSelectOnHost(backend.readSync(scores.dataId) as Float32Array, backend.readSync(mask.dataId) as Float32Array, k, mode);
    return { dataId: backend.write(out, [out.length], 'float32'), shape: [out.length], dtype: 'float32' };
  };
  return { kernelName: MASK_SELECT_KERNEL, backendName, kernelFunc };
}

/** Registers {@link hostMaskSelectKernel} for `backendName` unless a mask-select kernel is already registered there. */
export function registerHostMaskSelect(backendName: string): void {
  if (tf.getKernel(MASK_SELECT_KERNEL, backendName) === undefined) tf.registerKernel(hostMaskSelectKernel(backendName));
}
