import * as tf from '@tensorflow/tfjs-core';
import type { SparseProducts } from '../products/sparse-products.js';
import { hostFloats } from './host-values.js';
import type { SparseLayer } from './sparse-layer.js';
import { webGpuSparseMatMul, type DeviceLayerCapture } from './webgpu-sparse-matmul.js';

/** What a step keeps of one sparse layer for the mask update after it: the layer's input and output gradient of the batch, and dW at the nonzeros. */
export interface LayerCapture {
  /** The layer's input X [batch, inputs], row-major. */
  readonly x: Float32Array;
  /** The gradient at the layer's pre-activation output dY [batch, outputs], row-major. */
  readonly dy: Float32Array;
  /** The batch size. */
  readonly batch: number;
  /** dW at the stored entries (the sampled gradient), in the structure's order. */
  readonly sampled: Float32Array;
}

/**
 * X·W for a sparse layer as a tfjs op with a gradient: forward by the sparse product, backward dX = dY·Wᵀ and
 * dW at the nonzeros only (sampled dense-dense product), both from the same products. `capture`, when given,
 * receives the layer's X, dY and sampled dW of the batch (for the mask update that follows the step). On the webgpu
 * backend the WGSL products run instead of `products`, on device tensors, and `capture` receives device tensors.
 */
export function sparseMatMul(layer: SparseLayer, x: tf.Tensor, products: SparseProducts, capture?: (c: LayerCapture | DeviceLayerCapture) => void): tf.Tensor {
  if (tf.getBackend() === 'webgpu') return webGpuSparseMatMul(layer, x, capture);
  const { inputs, outputs } = { inputs: layer.shape.fanIn, outputs: layer.shape.fanOut };
  const op = tf.customGrad(((xIn: tf.Tensor, values: tf.Tensor, save: tf.GradSaveFunc) => {
    const batch = xIn.shape[0]!;
    const kernel = layer.structure.withValues(hostFloats(values));
    // read once: the forward product and the sampled gradient use the same host copy of X
    const xValues = hostFloats(xIn);
    const y = products.forward(kernel, xValues, batch);
    save([]);
    return {
      value: tf.tensor2d(y, [batch, outputs]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const dyValues = hostFloats(dy as tf.Tensor);
        const dx = products.backwardInput(kernel, dyValues, batch);
        const dw = products.sampledGradient(kernel, xValues, dyValues, batch);
        // dw is the product's own new array; X and dY may be views of tensor memory, so they are copied
        capture?.({ x: xValues.slice(), dy: dyValues.slice(), batch, sampled: dw });
        return [tf.tensor2d(dx, [batch, inputs]), tf.tensor1d(dw)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, layer.values);
}
