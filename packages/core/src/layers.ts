import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LayerShape, MaskedLayerKind } from './types.js';

/** Which kernels of a model are masked. */
export interface LayerSelectionOptions {
  /** Only these layer names are masked (default: every Dense and convolution layer). */
  include?: readonly string[];
  /** These layer names stay dense. @default [] */
  exclude?: readonly string[];
}

/** A kernel the engine masks: its shape facts and its variable. */
export interface PrunableKernel {
  /** Shape facts used by distributions and FLOPs counting. */
  readonly shape: LayerShape;
  /** The kernel variable (its name equals `shape.name`). */
  readonly variable: tf.Variable;
}

/** A weight-bearing layer that counts towards FLOPs, masked or not. */
export interface KernelLayer extends PrunableKernel {
  /** Whether the engine masks this kernel. */
  readonly masked: boolean;
}

const DENSE_CLASSES = new Set(['Dense']);
const CONV_CLASSES = new Set(['Conv1D', 'Conv2D', 'Conv3D']);
const EMBEDDING_CLASSES = new Set(['Embedding']);

interface LayerLike {
  name: string;
  getClassName(): string;
  trainableWeights: { name: string; originalName: string; read(): tf.Variable }[];
  outputShape: unknown;
  layers?: LayerLike[];
  getConfig(): Record<string, unknown>;
}

function flattenLayers(layers: readonly LayerLike[]): LayerLike[] {
  const out: LayerLike[] = [];
  for (const layer of layers) {
    if (Array.isArray(layer.layers) && layer.layers.length > 0) out.push(...flattenLayers(layer.layers));
    else out.push(layer);
  }
  return out;
}

function describe(layer: LayerLike, kind: MaskedLayerKind, kernel: tf.Variable): LayerShape {
  const shape = [...kernel.shape];
  const fanIn = shape[shape.length - 2]!;
  const fanOut = shape[shape.length - 1]!;
  const kernelSize = kind === 'conv' ? shape.slice(0, -2) : [];
  let outputPositions = 1;
  if (kind === 'conv') {
    const out = layer.outputShape as (number | null)[];
    for (const d of out.slice(1, -1)) outputPositions *= d ?? 1;
  }
  return {
    name: kernel.name,
    layerName: layer.name,
    kind,
    shape,
    size: kernel.size,
    fanIn,
    fanOut,
    kernelSize,
    outputPositions,
    hasBias: kind !== 'embedding' && layer.getConfig()['useBias'] !== false,
  };
}

/**
 * Finds every Dense and convolution kernel of a model, in layer order, and marks which are masked.
 * Biases and normalisation parameters are never masked; embedding tables only when `include` names their layer.
 * @throws Error naming the unknown layer when `include` or `exclude` name a layer the model lacks.
 */
export function findKernelLayers(model: LayersModel, options: LayerSelectionOptions = {}): KernelLayer[] {
  const layers = flattenLayers(model.layers as unknown as LayerLike[]);
  const names = new Set(layers.map((l) => l.name));
  for (const field of ['include', 'exclude'] as const) {
    for (const name of options[field] ?? []) {
      if (!names.has(name)) {
        throw new Error(`layers.${field} names layer ${JSON.stringify(name)}, which the model lacks; its layers are: ${[...names].join(', ')}`);
      }
    }
  }
  const include = options.include ? new Set(options.include) : undefined;
  const exclude = new Set(options.exclude ?? []);
  const found: KernelLayer[] = [];
  for (const layer of layers) {
    const className = layer.getClassName();
    const embedding = EMBEDDING_CLASSES.has(className) && include?.has(layer.name) === true;
    const kind: MaskedLayerKind | undefined = DENSE_CLASSES.has(className) ? 'dense' : CONV_CLASSES.has(className) ? 'conv' : embedding ? 'embedding' : undefined;
    if (!kind) continue;
    const suffix = kind === 'embedding' ? '/embeddings' : '/kernel';
    const kernelWeight = layer.trainableWeights.find((w) => w.originalName.endsWith(suffix) || w.name.endsWith(suffix));
    if (!kernelWeight) continue;
    const variable = kernelWeight.read();
    const masked = (include ? include.has(layer.name) : true) && !exclude.has(layer.name);
    found.push({ shape: describe(layer, kind, variable), variable, masked });
  }
  return found;
}

/**
 * The masked kernels of a model.
 * @throws Error when the model has no prunable (Dense or convolution) layer left to mask.
 */
export function findPrunableKernels(model: LayersModel, options: LayerSelectionOptions = {}): PrunableKernel[] {
  const masked = findKernelLayers(model, options).filter((k) => k.masked);
  if (masked.length === 0) {
    throw new Error(
      'model has no prunable layer: Topiary masks the kernels of Dense, Conv1D, Conv2D and Conv3D layers, and none was found' +
        (options.include || options.exclude ? ' after applying layers.include / layers.exclude' : ''),
    );
  }
  return masked.map(({ shape, variable }) => ({ shape, variable }));
}
