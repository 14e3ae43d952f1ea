import * as tf from '@tensorflow/tfjs-core';
import type { MaskState } from './mask-state.js';
import { countActive } from './selection.js';
import type { LayerShape } from './types.js';

/** Where one tensor lives in a checkpoint's binary data. */
export interface CheckpointTensorEntry {
  /** What the tensor is, e.g. `mask/0`, `weight/3`, `optimizer/2`, `momentum/1`. */
  readonly key: string;
  /** Element type. */
  readonly dtype: 'float32' | 'int32' | 'uint8';
  /** Shape. */
  readonly shape: readonly number[];
  /** Byte offset into `data`. */
  readonly offset: number;
  /** Byte length in `data`. */
  readonly byteLength: number;
}

/** The JSON half of a checkpoint. */
export interface CheckpointManifest {
  /** Format tag. */
  readonly format: 'topiary-checkpoint';
  /** Format version. */
  readonly version: 1;
  /** Strategy name at save time. */
  readonly strategy: string;
  /** Steps taken. */
  readonly step: number;
  /** The engine generator's state. */
  readonly rngState: number[];
  /** FLOPs counters. */
  readonly flops: { readonly training: number; readonly denseTraining: number };
  /** Masked layers in order: kernel name, layer name, shape and active count. */
  readonly layers: readonly { readonly name: string; readonly layerName: string; readonly shape: readonly number[]; readonly active: number }[];
  /** Model weights in `model.weights` order. */
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** Optimizer state: slot name relative to a trainable variable index (or a global entry such as `iter`). */
  readonly optimizer: readonly { readonly variableIndex: number; readonly suffix: string; readonly name: string }[];
  /** Whether dense-gradient momentum buffers are stored. */
  readonly hasMomentum: boolean;
  /** Tensor directory. */
  readonly tensors: readonly CheckpointTensorEntry[];
}

/** A checkpoint: a JSON manifest and one binary buffer. */
export interface Checkpoint {
  /** JSON-serialisable description. */
  readonly manifest: CheckpointManifest;
  /** All tensors, concatenated. */
  readonly data: Uint8Array;
}

/** What {@link writeCheckpoint} needs from the trainer. */
export interface CheckpointSource {
  readonly strategy: string;
  readonly step: number;
  readonly rngState: number[];
  readonly flops: { training: number; denseTraining: number };
  readonly kernels: readonly LayerShape[];
  readonly state: MaskState;
  readonly modelWeights: readonly tf.Variable[];
  readonly trainable: readonly tf.Variable[];
  readonly optimizer: tf.Optimizer;
  readonly momentum: readonly tf.Variable[] | undefined;
}

class Writer {
  readonly entries: CheckpointTensorEntry[] = [];
  private readonly chunks: Uint8Array[] = [];
  private offset = 0;

  add(key: string, dtype: CheckpointTensorEntry['dtype'], shape: readonly number[], bytes: Uint8Array): void {
    this.entries.push({ key, dtype, shape: [...shape], offset: this.offset, byteLength: bytes.byteLength });
    this.chunks.push(bytes.slice());
    this.offset += bytes.byteLength;
  }

  async addTensor(key: string, tensor: tf.Tensor): Promise<void> {
    const values = await tensor.data();
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    const typed = dtype === 'int32' ? Int32Array.from(values as Int32Array) : Float32Array.from(values as Float32Array);
    this.add(key, dtype, tensor.shape, new Uint8Array(typed.buffer));
  }

  concat(): Uint8Array {
    const out = new Uint8Array(this.offset);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }
}

/** Serialises everything needed to resume training exactly. */
export async function writeCheckpoint(source: CheckpointSource): Promise<Checkpoint> {
  const writer = new Writer();
  source.kernels.forEach((k, i) => {
    writer.add(`mask/${i}`, 'uint8', k.shape, source.state.mask(i));
    writer.add(`everActive/${i}`, 'uint8', k.shape, source.state.everActive(i));
  });
  for (const [i, w] of source.modelWeights.entries()) await writer.addTensor(`weight/${i}`, w);
  const optimizerEntries: { variableIndex: number; suffix: string; name: string }[] = [];
  let optimizerWeights: { name: string; tensor: tf.Tensor }[] = [];
  try {
    optimizerWeights = await source.optimizer.getWeights();
  } catch (error) {
    throw new Error(`saveCheckpoint: optimizer ${source.optimizer.getClassName()} cannot export its state (getWeights): ${(error as Error).message}`);
  }
  try {
    for (const [j, { name, tensor }] of optimizerWeights.entries()) {
      const variableIndex = source.trainable.findIndex((v) => name.startsWith(`${v.name}/`));
      const suffix = variableIndex >= 0 ? name.slice(source.trainable[variableIndex]!.name.length) : name;
      optimizerEntries.push({ variableIndex, suffix, name });
      await writer.addTensor(`optimizer/${j}`, tensor);
    }
  } finally {
    tf.dispose(optimizerWeights.filter(({ tensor }) => !(tensor instanceof tf.Variable)).map(({ tensor }) => tensor));
  }
  if (source.momentum) for (const [i, m] of source.momentum.entries()) await writer.addTensor(`momentum/${i}`, m);
  return {
    manifest: {
      format: 'topiary-checkpoint',
      version: 1,
      strategy: source.strategy,
      step: source.step,
      rngState: [...source.rngState],
      flops: { ...source.flops },
      layers: source.kernels.map((k, i) => ({ name: k.name, layerName: k.layerName, shape: [...k.shape], active: source.state.active(i) })),
      weights: source.modelWeights.map((w) => ({ name: w.name, shape: [...w.shape] })),
      optimizer: optimizerEntries,
      hasMomentum: source.momentum !== undefined,
      tensors: writer.entries,
    },
    data: writer.concat(),
  };
}

/** What a checkpoint is checked against. */
export interface CheckpointTarget {
  readonly kernels: readonly LayerShape[];
  readonly modelWeights: readonly tf.Variable[];
  readonly trainable: readonly tf.Variable[];
  readonly needsMomentum: boolean;
}

/** A validated checkpoint, ready to apply (tensors owned by the caller). */
export interface RestoredCheckpoint {
  readonly step: number;
  readonly rngState: number[];
  readonly flops: { training: number; denseTraining: number };
  readonly masks: Uint8Array[];
  readonly everActive: Uint8Array[];
  readonly actives: number[];
  readonly modelWeights: tf.Tensor[];
  readonly optimizerWeights: { name: string; tensor: tf.Tensor }[];
  readonly momentum: tf.Tensor[] | undefined;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (s: readonly number[]): string => `[${s.join(',')}]`;

/**
 * Validates a checkpoint against a model and returns its contents. Throws (changing nothing) when the format,
 * a layer, a shape or a count does not match.
 */
export function readCheckpoint(checkpoint: Checkpoint, target: CheckpointTarget): RestoredCheckpoint {
  const { manifest, data } = checkpoint ?? ({} as Checkpoint);
  if (!manifest || manifest.format !== 'topiary-checkpoint' || manifest.version !== 1) {
    throw new Error(`checkpoint.manifest.format must be 'topiary-checkpoint' version 1, got ${JSON.stringify(manifest?.format)} version ${JSON.stringify(manifest?.version)}`);
  }
  if (!(data instanceof Uint8Array)) throw new Error('checkpoint.data must be a Uint8Array');
  if (!Number.isInteger(manifest.step) || manifest.step < 0) throw new Error(`checkpoint.manifest.step must be a non-negative integer, got ${manifest.step}`);
  const entries = new Map(manifest.tensors.map((e) => [e.key, e]));
  const bytes = (key: string, shape: readonly number[], dtype: CheckpointTensorEntry['dtype']): Uint8Array => {
    const e = entries.get(key);
    if (!e) throw new Error(`checkpoint is missing tensor ${key}`);
    if (e.dtype !== dtype || !sameShape(e.shape, shape)) {
      throw new Error(`checkpoint tensor ${key} is ${e.dtype}${fmt(e.shape)} but the model needs ${dtype}${fmt(shape)}`);
    }
    const width = dtype === 'uint8' ? 1 : 4;
    const expected = shape.reduce((a, b) => a * b, 1) * width;
    if (e.byteLength !== expected || e.offset < 0 || e.offset + e.byteLength > data.byteLength) {
      throw new Error(`checkpoint tensor ${key} is truncated or corrupt (${e.byteLength} bytes at ${e.offset}, data has ${data.byteLength})`);
    }
    return data.slice(e.offset, e.offset + e.byteLength);
  };

  if (manifest.layers.length !== target.kernels.length) {
    throw new Error(`checkpoint has ${manifest.layers.length} masked layers but the model has ${target.kernels.length}`);
  }
  const masks: Uint8Array[] = [];
  const everActive: Uint8Array[] = [];
  const actives: number[] = [];
  target.kernels.forEach((k, i) => {
    const saved = manifest.layers[i]!;
    if (!sameShape(saved.shape, k.shape)) {
      throw new Error(`checkpoint masked layer ${i} (${saved.layerName}) has shape ${fmt(saved.shape)} but the model's masked layer ${i} (${k.layerName}) has shape ${fmt(k.shape)}`);
    }
    const mask = bytes(`mask/${i}`, k.shape, 'uint8');
    if (!mask.every((v) => v === 0 || v === 1)) throw new Error(`checkpoint mask/${i} holds values other than 0 and 1`);
    const active = countActive(mask);
    if (active !== saved.active) throw new Error(`checkpoint mask/${i} has ${active} active weights but its manifest says ${saved.active}`);
    masks.push(mask);
    everActive.push(bytes(`everActive/${i}`, k.shape, 'uint8'));
    actives.push(active);
  });
  if (manifest.weights.length !== target.modelWeights.length) {
    throw new Error(`checkpoint has ${manifest.weights.length} model weights but the model has ${target.modelWeights.length}`);
  }
  const weightBytes = target.modelWeights.map((w, i) => bytes(`weight/${i}`, w.shape, 'float32'));
  const optimizerBytes = manifest.optimizer.map((o, j) => {
    const e = entries.get(`optimizer/${j}`);
    if (!e) throw new Error(`checkpoint is missing tensor optimizer/${j}`);
    let name = o.name;
    if (o.variableIndex >= 0) {
      const v = target.trainable[o.variableIndex];
      if (!v) throw new Error(`checkpoint optimizer state ${o.name} refers to trainable weight ${o.variableIndex}, which the model lacks`);
      if (!sameShape(e.shape, v.shape)) throw new Error(`checkpoint optimizer state ${o.name} has shape ${fmt(e.shape)} but weight ${v.name} has shape ${fmt(v.shape)}`);
      name = `${v.name}${o.suffix}`;
    }
    return { name, dtype: e.dtype, shape: e.shape, raw: bytes(`optimizer/${j}`, e.shape, e.dtype) };
  });
  if (target.needsMomentum && !manifest.hasMomentum) throw new Error('checkpoint has no dense-gradient momentum, which this strategy needs');
  const momentumBytes = target.needsMomentum ? target.kernels.map((k, i) => bytes(`momentum/${i}`, k.shape, 'float32')) : undefined;
  if (!Array.isArray(manifest.rngState) || manifest.rngState.length !== 4) throw new Error('checkpoint.manifest.rngState must hold 4 integers');

  // Everything checked: build tensors.
  const floats = (raw: Uint8Array): Float32Array => new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  return {
    step: manifest.step,
    rngState: [...manifest.rngState],
    flops: { training: manifest.flops.training, denseTraining: manifest.flops.denseTraining },
    masks,
    everActive,
    actives,
    modelWeights: target.modelWeights.map((w, i) => tf.tensor(floats(weightBytes[i]!), w.shape, 'float32')),
    optimizerWeights: optimizerBytes.map((o) => ({
      name: o.name,
      tensor:
        o.dtype === 'int32'
          ? tf.tensor(new Int32Array(o.raw.buffer, o.raw.byteOffset, o.raw.byteLength / 4), [...o.shape], 'int32')
          : tf.tensor(floats(o.raw), [...o.shape], 'float32'),
    })),
    momentum: momentumBytes?.map((raw, i) => tf.tensor(floats(raw), [...target.kernels[i]!.shape], 'float32')),
  };
}

/** Packs a checkpoint into one byte array: a 4-byte little-endian manifest length, the manifest JSON, the data. */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(checkpoint.manifest));
  const out = new Uint8Array(4 + json.byteLength + checkpoint.data.byteLength);
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  out.set(checkpoint.data, 4 + json.byteLength);
  return out;
}

/** Unpacks bytes written by {@link encodeCheckpoint}. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.byteLength < 4) throw new Error(`checkpoint bytes are truncated: ${bytes.byteLength} bytes`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + length > bytes.byteLength) throw new Error(`checkpoint bytes are truncated: manifest of ${length} bytes announced, ${bytes.byteLength - 4} present`);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as CheckpointManifest;
  } catch (error) {
    throw new Error(`checkpoint manifest is not valid JSON: ${(error as Error).message}`);
  }
  return { manifest, data: bytes.slice(4 + length) };
}
