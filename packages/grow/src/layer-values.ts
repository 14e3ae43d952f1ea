import * as tf from '@tensorflow/tfjs-core';
import { check } from '@topiary/core';
import type { LayerShape } from '@topiary/core';

/** Throws unless `layer.size` is the product of `layer.shape`, so values built from it fit the kernel. */
export function checkLayerSize(layer: LayerShape, initializer: string): void {
  const product = layer.shape.reduce((a, b) => a * b, 1);
  check(layer.size === product, `${initializer}: layer.size`, layer.size, `the product of layer.shape [${layer.shape.join(', ')}] = ${product}`);
}

/** A float32 tensor of the layer's shape whose values are `draw()` called once per position in flat order. */
export function hostValues(layer: LayerShape, initializer: string, draw: () => number): tf.Tensor {
  checkLayerSize(layer, initializer);
  const values = new Float32Array(layer.size);
  for (let i = 0; i < values.length; i++) values[i] = draw();
  return tf.tensor(values, [...layer.shape], 'float32');
}
