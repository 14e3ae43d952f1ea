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

interface NodeLike {
  outputShapes: unknown;
}

interface LayerLike {
  name: string;
  getClassName(): string;
  trainableWeights: { name: string; originalName: string; read(): tf.Variable }[];
  outputShape: unknown;
  inboundNodes?: NodeLike[];
  layers?: LayerLike[];
  containerNodes?: Set<string>;
  model?: { containerNodes?: Set<string> };
  getConfig(): Record<string, unknown>;
}

/** A leaf layer with the graph nodes at which it is applied and how often its container is applied. */
interface AppliedLayer {
  readonly layer: LayerLike;
  /** The layer's inbound nodes that belong to its container's graph: one per application in a forward pass. */
  readonly nodes: readonly NodeLike[];
  /** Applications of the enclosing containers (a nested model called twice applies its layers twice). */
  readonly times: number;
}

/** The inbound nodes of `layer` in `container`'s graph (tfjs keys them `<layer>_ib-<index>`; a Sequential keeps its graph in `.model`). */
function appliedNodes(layer: LayerLike, container: LayerLike): NodeLike[] {
  const nodes = layer.inboundNodes ?? [];
  const keys = container.containerNodes?.size ? container.containerNodes : container.model?.containerNodes;
  const inGraph = keys ? nodes.filter((_, i) => keys.has(`${layer.name}_ib-${i}`)) : [];
  return inGraph.length > 0 ? inGraph : nodes.slice(0, 1);
}

function flattenLayers(container: LayerLike, times: number): AppliedLayer[] {
  const out: AppliedLayer[] = [];
  for (const layer of container.layers ?? []) {
    const nodes = appliedNodes(layer, container);
    if (Array.isArray(layer.layers) && layer.layers.length > 0) out.push(...flattenLayers(layer, times * Math.max(1, nodes.length)));
    else out.push({ layer, nodes, times });
  }
  return out;
}

/** Output positions of one application: the product of the output's inner dimensions (1 for a dense layer on [batch, features]). */
function positionsOf(shape: unknown): number {
  const dims = (Array.isArray(shape) && Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[] | undefined;
  let positions = 1;
  if (Array.isArray(dims)) for (const d of dims.slice(1, -1)) positions *= d ?? 1;
  return positions;
}

function describe({ layer, nodes, times }: AppliedLayer, kind: MaskedLayerKind, kernel: tf.Variable): LayerShape {
  const shape = [...kernel.shape];
  const fanIn = shape[shape.length - 2]!;
  const fanOut = shape[shape.length - 1]!;
  const kernelSize = kind === 'conv' ? shape.slice(0, -2) : [];
  const shapes = nodes.length > 0 ? nodes.map((n) => n.outputShapes) : [layer.outputShape];
  const outputPositions = times * shapes.reduce<number>((sum, s) => sum + positionsOf(s), 0);
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
    applications: times * shapes.length,
    hasBias: kind !== 'embedding' && layer.getConfig()['useBias'] !== false,
  };
}

/**
 * Finds every Dense and convolution kernel of a model, in layer order, and marks which are masked.
 * Biases and normalisation parameters are never masked; embedding tables only when `include` names their layer.
 * @throws Error naming the unknown layer when `include` or `exclude` name a layer the model lacks.
 */
export function findKernelLayers(model: LayersModel, options: LayerSelectionOptions = {}): KernelLayer[] {
  const applied = flattenLayers(model as unknown as LayerLike, 1);
  const names = new Set(applied.map((a) => a.layer.name));
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
  for (const entry of applied) {
    const layer = entry.layer;
    const className = layer.getClassName();
    const embedding = EMBEDDING_CLASSES.has(className) && include?.has(layer.name) === true;
    const kind: MaskedLayerKind | undefined = DENSE_CLASSES.has(className) ? 'dense' : CONV_CLASSES.has(className) ? 'conv' : embedding ? 'embedding' : undefined;
    if (!kind) continue;
    const suffix = kind === 'embedding' ? '/embeddings' : '/kernel';
    const kernelWeight = layer.trainableWeights.find((w) => w.originalName.endsWith(suffix) || w.name.endsWith(suffix));
    if (!kernelWeight) continue;
    const variable = kernelWeight.read();
    const masked = (include ? include.has(layer.name) : true) && !exclude.has(layer.name);
    found.push({ shape: describe(entry, kind, variable), variable, masked });
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
