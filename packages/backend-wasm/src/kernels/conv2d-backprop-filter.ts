import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { imageStrides } from './conv-layout.js';
import { checkShape, kernelInput, float32Values, makeWasmOutput } from './wasm-tensor-io.js';

/**
 * The gradient of a 2-D convolution with respect to its filter,
 * dW[r, c, i, o] = Σ_{b, y, x} X[b, y·s_h + r·d_h − pad_top, x·s_w + c·d_w − pad_left, i] · dY[b, y, x, o],
 * for channels-last or channels-first tensors, without an im2col copy. For each image row, filter tap and
 * channel pair, the innermost loop runs along the output row and sums in a register, so each multiply-add
 * costs two loads and no store.
 */
export function conv2dBackpropFilterValues(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  const channelsLast = info.dataFormat === 'channelsLast';
  const xs = imageStrides(inHeight, inWidth, inChannels, channelsLast);
  const ys = imageStrides(outHeight, outWidth, outChannels, channelsLast);
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const tapSize = inChannels * outChannels;
  const xStep = strideWidth * xs.col;
  const grad = new Float64Array(filterHeight * filterWidth * tapSize);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const dyRow = b * ys.batch + yR * ys.row;
      for (let wR = 0; wR < filterHeight; wR++) {
        const xR = yR * strideHeight + wR * dilationHeight - top;
        if (xR < 0 || xR >= inHeight) continue;
        const xRow = b * xs.batch + xR * xs.row;
        for (let wC = 0; wC < filterWidth; wC++) {
          // Output columns yC whose input column yC·s_w + offset lies inside the image.
          const offset = wC * dilationWidth - left;
          const yCMin = Math.max(0, Math.ceil(-offset / strideWidth));
          const yCMax = Math.min(outWidth, Math.floor((inWidth - 1 - offset) / strideWidth) + 1);
          if (yCMin >= yCMax) continue;
          const xFirst = xRow + (yCMin * strideWidth + offset) * xs.col;
          const dyFirst = dyRow + yCMin * ys.col;
          let out = (wR * filterWidth + wC) * tapSize;
          for (let d1 = 0; d1 < inChannels; d1++) {
            const xStart = xFirst + d1 * xs.channel;
            for (let d2 = 0; d2 < outChannels; d2++, out++) {
              let sum = 0;
              let xi = xStart;
              let di = dyFirst + d2 * ys.channel;
              for (let yC = yCMin; yC < yCMax; yC++, xi += xStep, di += ys.col) {
                sum += x[xi]! * dy[di]!;
              }
              grad[out]! += sum;
            }
          }
        }
      }
    }
  }
  return Float32Array.from(grad);
}

const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = kernelInput(Conv2DBackpropFilter, inputs, 'x');
  const dy = kernelInput(Conv2DBackpropFilter, inputs, 'dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const wasmBackend = backend as BackendWasm;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  checkShape(Conv2DBackpropFilter, 'dy', dy.shape, info.outShape);
  const values = conv2dBackpropFilterValues(float32Values(wasmBackend, x), float32Values(wasmBackend, dy), info);
  return makeWasmOutput(wasmBackend, [...info.filterShape], 'float32', values);
};

/** `Conv2DBackpropFilter` for the wasm backend, the filter gradient of `tf.conv2d`. */
export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
