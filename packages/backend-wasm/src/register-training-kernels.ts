/**
 * Side-effect module: importing it registers, on tfjs's `wasm` backend, the training kernels that
 * @tensorflow/tfjs-backend-wasm lacks. A kernel that is already registered (by tfjs itself or an earlier
 * import) is left alone. `wasm().setup()` imports this file; it is listed in package.json `sideEffects`.
 */
import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropFilterConfig } from './kernels/depthwise-conv2d-backprop-filter.js';
import { depthwiseConv2dBackpropInputConfig } from './kernels/depthwise-conv2d-backprop-input.js';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.js';

const trainingKernelConfigs = [
  conv2dBackpropFilterConfig,
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
];

const added: string[] = [];
for (const config of trainingKernelConfigs) {
  if (getKernel(config.kernelName, config.backendName) == null) {
    registerKernel(config);
    added.push(config.kernelName);
  }
}

/** The kernels this module registered (those tfjs-backend-wasm did not already provide). */
export const registeredTrainingKernels: readonly string[] = added;
