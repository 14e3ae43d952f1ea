import type * as tf from '@tensorflow/tfjs-core';

/**
 * A tensor's values as float32 on the host. The sparse engine runs on the cpu and wasm backends (the trainer refuses
 * others), where this read is a view or an O(size) copy of host memory, not a device synchronisation; values of
 * another dtype are converted.
 */
export function hostFloats(t: tf.Tensor): Float32Array {
  const values = t.dataSync();
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}
