import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { checkShape, kernelInput, float32Values, makeWasmOutput } from './wasm-tensor-io.js';

/**
 * The gradient of a channels-last depthwise 2-D convolution with respect to its `[h, w, in, multiplier]` filter,
 * dW[r, c, i, m] = Σ_{b, y, x} X[b, y·s_h + r·d_h − pad_top, x·s_w + c·d_w − pad_left, i] · dY[b, y, x, i·M + m].
 */
export function depthwiseConv2dBackpropFilterValues(
  x: Float32Array,
  dy: Float32Array,
  info: backend_util.Conv2DInfo,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const grad = new Float64Array(filterHeight * filterWidth * outChannels);
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
              const xValue = x[xBase + d1]!;
              if (xValue === 0) continue;
              const channel = d1 * multiplier;
              for (let m = 0; m < multiplier; m++) {
                grad[tapBase + channel + m]! += xValue * dy[dyBase + channel + m]!;
              }
            }
          }
        }
      }
    }
  }
  return Float32Array.from(grad);
}

const depthwiseConv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = kernelInput(DepthwiseConv2dNativeBackpropFilter, inputs, 'x');
  const dy = kernelInput(DepthwiseConv2dNativeBackpropFilter, inputs, 'dy');
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const wasmBackend = backend as BackendWasm;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  checkShape(DepthwiseConv2dNativeBackpropFilter, 'filterShape', filterShape.slice(0, 3), [
    info.filterHeight,
    info.filterWidth,
    info.inChannels,
  ]);
  checkShape(DepthwiseConv2dNativeBackpropFilter, 'dy', dy.shape, info.outShape);
  const values = depthwiseConv2dBackpropFilterValues(float32Values(wasmBackend, x), float32Values(wasmBackend, dy), info);
  return makeWasmOutput(wasmBackend, [...filterShape], 'float32', values);
};

/** `DepthwiseConv2dNativeBackpropFilter` for the wasm backend, the filter gradient of `tf.depthwiseConv2d`. */
export const depthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilter,
};
