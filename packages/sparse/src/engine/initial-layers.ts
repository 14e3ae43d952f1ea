import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { densityBudget, findPrunableKernels, initialMasks, sampleDistinctPositions, type LayerShape, type Rng, type SparseStrategy } from '@topiary/core';
import { SparseKernel } from '../kernel/sparse-kernel.js';
import { csrOfPositions } from './flat-positions.js';
import { modelDenseLayers } from './network-from-model.js';
import type { SparseMlpSpec } from './network-spec.js';
import { denseLayerShape, SparseLayer } from './sparse-layer.js';

/** CSR of the given ascending flat positions of an inputs × outputs kernel, values from `value(k)` for the k-th position. */
export function kernelFromPositions(inputs: number, outputs: number, positions: Float64Array, value: (k: number) => number): SparseKernel {
  const { rowPointers, columnIndices } = csrOfPositions(inputs, outputs, positions);
  const values = new Float32Array(positions.length);
  for (let k = 0; k < positions.length; k++) values[k] = value(k);
  return SparseKernel.fromCsr(inputs, outputs, values, rowPointers, columnIndices);
}

/**
 * The layers of a tfjs model, sparse: the first masks exactly as the masked engine chooses them (core's
 * `initialMasks`, same generator, so the same masks and generator state), the kernel values at those positions and
 * the biases copied. This reads each dense kernel once (and, for a scored init, computes its dense gradient on the
 * first batch): the model exists, so its kernels do; nothing of their size is made after this.
 */
export async function layersFromModel(model: LayersModel, strategy: SparseStrategy, rng: Rng, prefix: string, loss: (y: tf.Tensor, p: tf.Tensor) => tf.Scalar, batch?: { x: tf.Tensor; y: tf.Tensor }): Promise<SparseLayer[]> {
  const dense = modelDenseLayers(model);
  const kernels = findPrunableKernels(model);
  let gradients: tf.NamedTensorMap | undefined;
  const init = strategy.init;
  if (init.kind === 'scored' && init.criterion.needs?.gradient) {
    if (!batch) throw new Error(`strategy ${strategy.name}: init '${init.kind}' scores the first batch, so initialize(x, y) needs a batch`);
    const scored = tf.variableGrads(() => loss(batch.y, model.apply(batch.x, { training: true }) as tf.Tensor), kernels.map((k) => k.variable));
    scored.value.dispose();
    gradients = scored.grads;
  }
  try {
    const masks = await initialMasks({ strategy, kernels, rng, ...(gradients ? { gradients } : {}) });
    const layers: SparseLayer[] = [];
    for (const [i, layer] of dense.entries()) {
      const [inputs, outputs] = layer.kernel.shape as [number, number];
      const kernel = SparseKernel.fromDense((await layer.kernel.data()) as Float32Array, masks[i]!, inputs, outputs);
      const bias = layer.bias ? ((await layer.bias.data()) as Float32Array) : undefined;
      layers.push(new SparseLayer(layer.shape, layer.activation, kernel, bias, prefix));
    }
    return layers;
  } finally {
    if (gradients) tf.dispose(gradients);
  }
}

/** The kernel shapes of a described MLP's layers (`dense_1/kernel`, …). */
export function specLayerShapes(spec: SparseMlpSpec): LayerShape[] {
  return spec.layers.map((layer, i) => denseLayerShape(`dense_${i + 1}`, i === 0 ? spec.inputs : spec.layers[i - 1]!.units, layer.units, layer.useBias ?? true));
}

/**
 * The layers of a described MLP, sparse from the start: each layer's budget from the strategy's distribution,
 * positions drawn uniformly (`random`, by `sampleDistinctPositions`: O(budget), no array of the kernel's size) or
 * every position (`dense`), values Glorot-uniform over the layer's expected fan-in and fan-out at its density d,
 * U(−l, l) with l = √(6 / (d · in + d · out)) (tfjs Dense's default initialiser when d = 1; scaled to the connections
 * that exist, the sparse initialisation of Evci et al. 2022, "Gradient Flow in Sparse Neural Networks and How Lottery
 * Tickets Win", so that deep sparse layers keep their activations' scale), drawn from `rng` for the stored weights
 * only, biases zero.
 */
export function layersFromSpec(spec: SparseMlpSpec, strategy: SparseStrategy, rng: Rng, prefix: string): SparseLayer[] {
  const shapes = specLayerShapes(spec);
  const densities = strategy.distribution.densities(shapes, strategy.sparsity);
  return shapes.map((shape, i) => {
    const [inputs, outputs] = shape.shape as [number, number];
    const budget = strategy.init.kind === 'dense' ? shape.size : densityBudget(densities[i]!, shape.size);
    const positions = strategy.init.kind === 'dense' ? Float64Array.from({ length: shape.size }, (_, p) => p) : sampleDistinctPositions(shape.size, budget, rng);
    const density = positions.length / shape.size;
    const limit = Math.sqrt(6 / (density * (inputs + outputs)));
    const kernel = kernelFromPositions(inputs, outputs, positions, () => (2 * rng.float() - 1) * limit);
    const layer = spec.layers[i]!;
    return new SparseLayer(shape, layer.activation ?? 'linear', kernel, shape.hasBias ? new Float32Array(outputs) : undefined, prefix);
  });
}
