import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { checkShape, kernelInput, float32Values, makeWasmOutput } from './wasm-tensor-io.js';

/**
 * The gradient of a channels-last depthwise 2-D convolution with respect to its input,
 * dX[b, y·s_h + r·d_h − pad_top, x·s_w + c·d_w − pad_left, i] += Σ_m dY[b, y, x, i·M + m] · W[r, c, i, m],
 * scattered from every output pixel and filter tap that reads an input position.
 */
export function depthwiseConv2dBackpropInputValues(
  dy: Float32Array,
  filter: Float32Array,
  info: backend_util.Conv2DInfo,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const grad = new Float64Array(batchSize * inHeight * inWidth * inChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let wR = 0; wR < filterHeight; wR++) {
        const xR = yR * strideHeight + wR * dilationHeight - top;
        if (xR < 0 || xR >= inHeight) continue;
        for (let yC = 0; yC < outWidth; yC++) {
          const dyBase = ((b * outHeight + yR) * outWidth + yC) * outChannels;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth + wC * dilationWidth - left;
            if (xC < 0 || xC >= inWidth) continue;
            const xBase = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            const tapBase = (wR * filterWidth + wC) * outChannels;
            for (let d1 = 0; d1 < inChannels; d1++) {
              const channel = d1 * multiplier;
              let sum = 0;
              for (let m = 0; m < multiplier; m++) {
                sum += dy[dyBase + channel + m]! * filter[tapBase + channel + m]!;
              }
              grad[xBase + d1]! += sum;
            }
          }
        }
      }
    }
  }
  return Float32Array.from(grad);
}

const depthwiseConv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = kernelInput(DepthwiseConv2dNativeBackpropInput, inputs, 'dy');
  const filter = kernelInput(DepthwiseConv2dNativeBackpropInput, inputs, 'filter');
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const wasmBackend = backend as BackendWasm;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  checkShape(DepthwiseConv2dNativeBackpropInput, 'filter', filter.shape.slice(0, 3), [
    info.filterHeight,
    info.filterWidth,
    info.inChannels,
  ]);
  checkShape(DepthwiseConv2dNativeBackpropInput, 'dy', dy.shape, info.outShape);
  const values = depthwiseConv2dBackpropInputValues(float32Values(wasmBackend, dy), float32Values(wasmBackend, filter), info);
  return makeWasmOutput(wasmBackend, [...info.inShape], 'float32', values);
};

/** `DepthwiseConv2dNativeBackpropInput` for the wasm backend, the input gradient of `tf.depthwiseConv2d`. */
export const depthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput,
};
