import { check, checkPositiveInteger } from '@topiary/core';
import { isSparseActivation, sparseActivations, type SparseActivation } from './activations.js';

/** One Dense layer of a {@link SparseMlpSpec}. */
export interface SparseDenseSpec {
  /** Output units. */
  readonly units: number;
  /** Applied after the product and the bias. @default 'linear' */
  readonly activation?: SparseActivation;
  /** Whether the layer adds a bias (zeros at the start). @default true */
  readonly useBias?: boolean;
}

/**
 * A multilayer perceptron described without building it, so that the sparse engine can make it sparse from the
 * start: layers too wide for their dense kernels to exist (10⁶ × 10⁶) are never allocated densely. Layers are named
 * `dense_1`, `dense_2`, … (kernels `dense_1/kernel`, …).
 */
export interface SparseMlpSpec {
  /** Input features. */
  readonly inputs: number;
  /** The Dense layers in order; the last is the output layer. */
  readonly layers: readonly SparseDenseSpec[];
}

/** Checks a {@link SparseMlpSpec}, naming the field, the value and what is allowed. */
export function checkMlpSpec(spec: SparseMlpSpec): void {
  check(spec !== null && typeof spec === 'object', 'network', spec, 'an object { inputs, layers }');
  checkPositiveInteger(spec.inputs, 'network.inputs');
  check(Array.isArray(spec.layers) && spec.layers.length > 0, 'network.layers', spec.layers, 'a non-empty array of { units, activation?, useBias? }');
  spec.layers.forEach((layer, i) => {
    checkPositiveInteger(layer.units, `network.layers[${i}].units`);
    if (layer.activation !== undefined) check(isSparseActivation(layer.activation), `network.layers[${i}].activation`, layer.activation, `one of ${sparseActivations.join(', ')}`);
    if (layer.useBias !== undefined) check(typeof layer.useBias === 'boolean', `network.layers[${i}].useBias`, layer.useBias, 'true or false');
  });
}
