import * as tf from '@tensorflow/tfjs-core';
import type { LayerShape } from '@topiary/core';
import type { SparseKernel } from '../kernel/sparse-kernel.js';
import type { SparseActivation } from './activations.js';

/** The LayerShape of a Dense kernel [inputs, outputs] named `layerName/kernel`, as core's distributions and FLOPs counters read it. */
export function denseLayerShape(layerName: string, inputs: number, outputs: number, hasBias: boolean): LayerShape {
  return { name: `${layerName}/kernel`, layerName, kind: 'dense', shape: [inputs, outputs], size: inputs * outputs, fanIn: inputs, fanOut: outputs, kernelSize: [], outputPositions: 1, hasBias };
}

/** A trainable float32 variable holding `values`, named `name` (the tensor it is made from is released). */
function trainableVector(values: Float32Array, name: string): tf.Variable {
  const initial = tf.tensor1d(values, 'float32');
  const variable = tf.variable(initial, true, name);
  initial.dispose();
  return variable;
}

/**
 * One Dense layer as the sparse engine holds it: the kernel's structure (CSR of its nonzeros), the nonzero values
 * as a trainable tfjs variable of nnz floats in the structure's order (so any tfjs optimizer keeps its state for
 * the nonzeros only), the bias and the activation. Nothing of the dense kernel's size is kept.
 */
export class SparseLayer {
  /** The kernel's shape facts (name `<layer>/kernel`, [inputs, outputs]). */
  readonly shape: LayerShape;
  /** Applied after the product and the bias. */
  readonly activation: SparseActivation;
  /** The bias [outputs], or undefined for a layer without one. */
  readonly bias: tf.Variable | undefined;
  private structureValue: SparseKernel;
  private valuesVariable: tf.Variable;
  private readonly resources = new Map<string, { dispose(): void }>();

  /** `variablePrefix` keeps the variables of two engines on one model apart (`<prefix><kernel name>/values`, `<prefix><layer>/bias`). */
  constructor(shape: LayerShape, activation: SparseActivation, kernel: SparseKernel, bias: Float32Array | undefined, variablePrefix: string) {
    this.shape = shape;
    this.activation = activation;
    this.bias = bias ? trainableVector(bias, `${variablePrefix}${shape.layerName}/bias`) : undefined;
    this.structureValue = kernel;
    this.valuesVariable = trainableVector(kernel.values, `${variablePrefix}${shape.name}/values`);
  }

  /** The stored positions (CSR); its `values` are those the layer was last given, not necessarily the trained ones: read {@link SparseLayer.values}. */
  get structure(): SparseKernel {
    return this.structureValue;
  }

  /** The trainable nonzero values, nnz floats in the order of {@link SparseLayer.structure}. */
  get values(): tf.Variable {
    return this.valuesVariable;
  }

  /**
   * A resource made from the structure (the index buffers on a GPU), made by `make` at its first use under `key` and
   * released when the structure is replaced or the layer disposed.
   */
  structureResource<T extends { dispose(): void }>(key: string, make: (structure: SparseKernel) => T): T {
    let resource = this.resources.get(key);
    if (resource === undefined) {
      resource = make(this.structureValue);
      this.resources.set(key, resource);
    }
    return resource as T;
  }

  /** Stored weights. */
  get nnz(): number {
    return this.structureValue.nnz;
  }

  /**
   * Replaces the structure and the values (a mask update): the values variable is disposed and made again under
   * the same name, so an optimizer that looks variables up by name finds the new one.
   */
  replace(kernel: SparseKernel): void {
    const name = this.valuesVariable.name;
    this.releaseResources();
    this.valuesVariable.dispose();
    this.structureValue = kernel;
    this.valuesVariable = trainableVector(kernel.values, name);
  }

  /** Bytes the layer holds for its kernel: values (4 per nonzero, in the variable), column indices (4) and row pointers. */
  get kernelBytes(): number {
    return this.structureValue.bytes;
  }

  /** Releases the layer's variables. */
  dispose(): void {
    this.releaseResources();
    this.valuesVariable.dispose();
    this.bias?.dispose();
  }

  private releaseResources(): void {
    for (const resource of this.resources.values()) resource.dispose();
    this.resources.clear();
  }
}
