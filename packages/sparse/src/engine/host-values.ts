import type * as tf from '@tensorflow/tfjs-core';

/** Backends whose tensors live in host memory, where the host products, the fused step and {@link hostFloats} read them. */
export const HOST_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'wasm']);

/**
 * A tensor's values as float32 on the host, for the host products, the fused step and the host optimizer: they run
 * on the cpu and wasm backends only (on webgpu the engine runs its WGSL products and reads asynchronously), where
 * this read is a view or an O(size) copy of host memory, not a device synchronisation; other dtypes are converted.
 */
export function hostFloats(t: tf.Tensor): Float32Array {
  const values = t.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
