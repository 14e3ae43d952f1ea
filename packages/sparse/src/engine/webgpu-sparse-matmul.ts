import * as tf from '@tensorflow/tfjs-core';
import { DeviceStructure } from '../webgpu/device-structure.js';
import { webGpuBackwardInput, webGpuForward, webGpuSampledGradient } from '../webgpu/sparse-kernels.js';
import type { SparseLayer } from './sparse-layer.js';

/** What a step on the webgpu backend keeps of one sparse layer for the mask update after it: tensors on the device, released after the update. */
export interface DeviceLayerCapture {
  /** The layer's input X [batch, inputs]. */
  readonly x: tf.Tensor;
  /** The gradient at the layer's pre-activation output dY [batch, outputs]. */
  readonly dy: tf.Tensor;
  /** The batch size. */
  readonly batch: number;
  /** dW at the stored entries (nnz, the structure's order). */
  readonly sampled: tf.Tensor;
  /** The structure's index buffers on the device, as the step used them. */
  readonly structure: DeviceStructure;
}

/** The layer's structure on the device: uploaded at its first use after a mask update, released when the structure is replaced. */
export function deviceStructureOf(layer: SparseLayer): DeviceStructure {
  return layer.structureResource('webgpu', (kernel) => DeviceStructure.upload(kernel));
}

/**
 * `sparseMatMul` on the webgpu backend: forward, dX and the sampled dW by the WGSL programs, on tensors that stay
 * on the device (nothing is read to the host in a step). `capture` receives device tensors (kept: the receiver
 * disposes them).
 */
export function webGpuSparseMatMul(layer: SparseLayer, x: tf.Tensor, capture?: (c: DeviceLayerCapture) => void): tf.Tensor {
  const structure = deviceStructureOf(layer);
  const op = tf.customGrad(((xIn: tf.Tensor, values: tf.Tensor, save: tf.GradSaveFunc) => {
    // X is saved for the gradient: the forward pass's intermediate tensors are disposed before backpropagation
    save([xIn]);
    return {
      value: webGpuForward(structure, xIn, values),
      gradFunc: (dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const dy = dyIn as tf.Tensor;
        const x = saved[0]!;
        const dx = webGpuBackwardInput(structure, dy, values);
        const dw = webGpuSampledGradient(structure, x, dy);
        // clones share the device buffers; kept so that they outlive the gradient's tidy
        capture?.({ x: tf.keep(x.clone()), dy: tf.keep(dy.clone()), batch: x.shape[0]!, sampled: tf.keep(dw.clone()), structure });
        return [dx, dw];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, layer.values);
}
