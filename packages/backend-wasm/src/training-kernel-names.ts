import {
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  UnsortedSegmentSum,
} from '@tensorflow/tfjs-core';

/**
 * The tfjs kernels that `wasm().setup()` adds to the wasm backend so that convolutional models and models
 * using `tf.gather` (embeddings) can train there.
 */
export const wasmTrainingKernelNames: readonly string[] = [
  Conv2DBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  UnsortedSegmentSum,
];
