import * as tfl from '@tensorflow/tfjs-layers';
import { assembleSparseModel, encodeSparseWeight, type EncodedSparseWeight, type SparseModelArtifact } from '@topiary/core';
import { kernelPositions } from './flat-positions.js';
import type { SparseEngineTrainer } from './sparse-engine-trainer.js';
import type { SparseLayer } from './sparse-layer.js';

/** The tfjs-layers topology (as `model.toJSON(null, false)` writes it) of a Sequential stack of these Dense layers. */
function sequentialTopology(layers: readonly SparseLayer[]): Record<string, unknown> {
  const zeros = { class_name: 'Zeros', config: {} };
  return {
    class_name: 'Sequential',
    config: {
      name: 'sparse_engine_model',
      layers: layers.map((l, i) => ({
        class_name: 'Dense',
        config: {
          units: l.shape.fanOut,
          activation: l.activation,
          use_bias: l.bias !== undefined,
          // the loader builds each layer before setting its weights: zeros are the cheapest start
          kernel_initializer: zeros,
          bias_initializer: zeros,
          kernel_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
          name: l.shape.layerName,
          trainable: true,
          ...(i === 0 ? { batch_input_shape: [null, l.shape.fanIn] } : {}),
          dtype: 'float32',
        },
      })),
    },
    keras_version: `tfjs-layers ${tfl.version_layers}`,
    backend: 'tensor_flow.js',
  };
}

/**
 * A trained sparse-engine network as core's compact sparse model (`SparseModelArtifact`), written straight from
 * the CSR layers: per kernel the stored values (those whose float32 bit pattern is not 0) and their positions as
 * delta varints, or a bitmap above density 1/8 (dense storage only above ≈ 31/32), biases dense; the topology is a
 * Sequential stack of Dense layers with the engine's layer names and activations. Nothing of a dense kernel's size
 * is made below density 1/8. Core's `loadSparseModel` (after `encodeSparseModel` / `decodeSparseModel`) loads it
 * into a tfjs model that predicts as `trainer.predict`.
 * @throws Error when the trainer is not initialised, or naming a layer of more than 2³² − 1 positions (the format's limit).
 */
export async function exportSparseEngineModel(trainer: SparseEngineTrainer): Promise<SparseModelArtifact> {
  const layers = trainer.layers;
  const encoded: EncodedSparseWeight[] = [];
  for (const layer of layers) {
    const { layerName, fanIn, fanOut } = layer.shape;
    const values = Float32Array.from((await layer.values.data()) as Float32Array);
    encoded.push(encodeSparseWeight(`${layerName}/kernel`, [fanIn, fanOut], kernelPositions(layer.structure), values));
    if (layer.bias) {
      const bias = Float32Array.from((await layer.bias.data()) as Float32Array);
      encoded.push(encodeSparseWeight(`${layerName}/bias`, [fanOut], Uint32Array.from({ length: fanOut }, (_, o) => o), bias));
    }
  }
  return assembleSparseModel(sequentialTopology(layers), encoded);
}
