import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LayerShape } from '@topiary/core';
import { findKernelLayers } from '@topiary/core';
import { isSparseActivation, sparseActivations, type SparseActivation } from './activations.js';

/** One Dense layer of a tfjs model as the sparse engine reads it. */
export interface ModelDenseLayer {
  /** The kernel's shape facts, as the masked engine names them. */
  readonly shape: LayerShape;
  /** The layer's activation. */
  readonly activation: SparseActivation;
  /** The kernel variable (read once, at initialisation, for the values at the chosen positions). */
  readonly kernel: tf.Variable;
  /** The bias variable, when the layer has one. */
  readonly bias: tf.Variable | undefined;
}

/** Layers without weights that the sparse engine passes through: they only reshape or name the input. */
const PASS_THROUGH = new Set(['InputLayer', 'Flatten']);

/**
 * The Dense layers of a model the sparse engine can hold: a sequential stack of Dense layers on [batch, features]
 * (an input layer and Flatten allowed in front of the first), every Dense kernel masked, with an activation of
 * {@link sparseActivations}. Anything else is refused naming the layer, its class and what is supported.
 */
export function modelDenseLayers(model: LayersModel): ModelDenseLayer[] {
  const layers = model.layers;
  const dense: Omit<ModelDenseLayer, 'shape'>[] = [];
  let seenDense = false;
  for (const layer of layers) {
    const className = layer.getClassName();
    if (PASS_THROUGH.has(className)) {
      if (seenDense) throw new Error(`sparse engine: layer ${layer.name} (${className}) after a Dense layer is not supported; it holds a stack of Dense layers, with InputLayer and Flatten only in front`);
      continue;
    }
    if (className !== 'Dense') {
      throw new Error(`sparse engine: layer ${layer.name} is a ${className}; the sparse engine holds sequential stacks of Dense layers (InputLayer and Flatten in front); train models with convolutions, embeddings or other layers with the masked engine`);
    }
    if (layer.inboundNodes.length > 1) {
      throw new Error(`sparse engine: layer ${layer.name} is shared (called ${layer.inboundNodes.length} times); the sparse engine holds each Dense layer once`);
    }
    const config = layer.getConfig() as { activation?: unknown; useBias?: unknown };
    const activation = config.activation ?? 'linear';
    if (!isSparseActivation(activation)) {
      throw new Error(`sparse engine: layer ${layer.name} has activation ${JSON.stringify(activation)}; supported: ${sparseActivations.join(', ')}`);
    }
    const inputShape = layer.inputSpec?.[0]?.minNDim ?? 2;
    if (inputShape > 2) throw new Error(`sparse engine: layer ${layer.name} takes inputs of rank ${inputShape}; the sparse engine holds Dense layers on [batch, features]`);
    seenDense = true;
    const [kernel, bias] = layer.weights.map((w) => w.read() as tf.Variable);
    dense.push({ activation, kernel: kernel!, bias });
  }
  if (dense.length === 0) throw new Error('sparse engine: the model has no Dense layer');
  const shapes = findKernelLayers(model);
  if (shapes.length !== dense.length || shapes.some((k) => !k.masked)) {
    throw new Error(`sparse engine: every Dense kernel is held sparse; the model's masked kernels are [${shapes.filter((k) => k.masked).map((k) => k.shape.layerName).join(', ')}] of [${shapes.map((k) => k.shape.layerName).join(', ')}]`);
  }
  for (let i = 1; i < dense.length; i++) {
    const previous = dense[i - 1]!.kernel.shape[1];
    if (dense[i]!.kernel.shape[0] !== previous) throw new Error(`sparse engine: layer ${shapes[i]!.shape.layerName} takes ${dense[i]!.kernel.shape[0]} inputs but the layer before gives ${previous}; the model must be a sequential stack`);
  }
  return dense.map((d, i) => ({ ...d, shape: shapes[i]!.shape }));
}
