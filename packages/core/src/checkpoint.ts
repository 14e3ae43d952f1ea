import * as tf from '@tensorflow/tfjs-core';
import type { MaskState } from './mask-state.js';
import { describeOptimizerKind, hiddenScalar, hiddenScalarNames, optimizerKind, type OptimizerKind } from './optimizer-state.js';
import { Rng } from './rng.js';
import { countActive } from './selection.js';
import type { LayerShape } from './types.js';
import { showValue } from './show-value.js';
import { packFramed, unpackFramed } from './framed-file.js';

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

/** The optimizer part of a checkpoint manifest: what kind of optimizer wrote it and where its state lies. */
export interface CheckpointOptimizer {
  /** tfjs class name of the optimizer that wrote the checkpoint (`Adam`, `Momentum`, …). */
  readonly className: string;
  /** Its per-weight slot names in `getWeights()` order (`m`, `v` for Adam; none for SGD). */
  readonly slots: readonly string[];
  /** Tensor `optimizer/<j>`: the trainable weight it belongs to (−1 for a global entry such as `iter`) and its name suffix. */
  readonly entries: readonly { readonly variableIndex: number; readonly suffix: string; readonly name: string }[];
  /** Scalar state `setWeights` recomputes instead of restoring (Adam's `accBeta1`, `accBeta2`), stored as `optimizerHidden/<name>`. */
  readonly hidden: readonly string[];
}

/** The JSON half of a checkpoint. */
export interface CheckpointManifest {
  /** Format tag. */
  readonly format: 'topiary-checkpoint';
  /** Format version (2: the optimizer kind and its hidden scalars are recorded). */
  readonly version: 2;
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
  /** The optimizer's kind and state. */
  readonly optimizer: CheckpointOptimizer;
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
  const entries: { variableIndex: number; suffix: string; name: string }[] = [];
  let optimizerWeights: { name: string; tensor: tf.Tensor }[] = [];
  try {
    optimizerWeights = await source.optimizer.getWeights();
  } catch (error) {
    throw new Error(`saveCheckpoint: optimizer ${source.optimizer.getClassName()} cannot export its state (getWeights): ${(error as Error).message}`);
  }
  let kind: OptimizerKind;
  const hidden = hiddenScalarNames(source.optimizer);
  try {
    kind = optimizerKind(
      source.optimizer,
      optimizerWeights.map((w) => w.name).filter((n) => n !== 'iter'),
    );
    for (const [j, { name, tensor }] of optimizerWeights.entries()) {
      const variableIndex = source.trainable.findIndex((v) => name.startsWith(`${v.name}/`));
      const suffix = variableIndex >= 0 ? name.slice(source.trainable[variableIndex]!.name.length) : name;
      entries.push({ variableIndex, suffix, name });
      await writer.addTensor(`optimizer/${j}`, tensor);
    }
    for (const name of hidden) await writer.addTensor(`optimizerHidden/${name}`, hiddenScalar(source.optimizer, name));
  } finally {
    tf.dispose(optimizerWeights.filter(({ tensor }) => !(tensor instanceof tf.Variable)).map(({ tensor }) => tensor));
  }
  if (source.momentum) for (const [i, m] of source.momentum.entries()) await writer.addTensor(`momentum/${i}`, m);
  return {
    manifest: {
      format: 'topiary-checkpoint',
      version: 2,
      strategy: source.strategy,
      step: source.step,
      rngState: [...source.rngState],
      flops: { ...source.flops },
      layers: source.kernels.map((k, i) => ({ name: k.name, layerName: k.layerName, shape: [...k.shape], active: source.state.active(i) })),
      weights: source.modelWeights.map((w) => ({ name: w.name, shape: [...w.shape] })),
      optimizer: { className: kind.className, slots: [...kind.slots], entries, hidden: [...hidden] },
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
  readonly optimizer: tf.Optimizer;
  /** Accept non-finite weights, optimizer slots and momentum. */
  readonly allowNonFinite: boolean;
}

/** A validated checkpoint, ready to apply (tensors owned by the caller). */
export interface RestoredCheckpoint {
  readonly step: number;
  readonly rng: Rng;
  readonly flops: { training: number; denseTraining: number };
  readonly masks: Uint8Array[];
  readonly everActive: Uint8Array[];
  readonly actives: number[];
  readonly modelWeights: tf.Tensor[];
  readonly optimizerWeights: { name: string; tensor: tf.Tensor }[];
  readonly optimizerHidden: { name: string; value: number }[];
  readonly momentum: tf.Tensor[] | undefined;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (s: readonly number[]): string => `[${s.join(',')}]`;

/** Throws an Error naming the manifest field, the value found and what is allowed. */
function fail(path: string, value: unknown, allowed: string): never {
  throw new Error(`checkpoint${path ? ` ${path}` : ''} must be ${allowed} (got ${showValue(value)})`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function record(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) fail(path, value, 'an object');
  return value;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, value, 'an array');
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, value, 'a string');
  return value;
}

function count(value: unknown, path: string): number {
  if (!isCount(value)) fail(path, value, 'a non-negative integer');
  return value;
}

function shapeOf(value: unknown, path: string): number[] {
  const dims = list(value, path);
  dims.forEach((d, i) => count(d, `${path}[${i}]`));
  return dims as number[];
}

const TENSOR_DTYPES = ['float32', 'int32', 'uint8'] as const;

/** Checks every field of a manifest for type and range, so that later code never meets an unexpected value. */
function checkManifest(raw: unknown): CheckpointManifest {
  const m = record(raw, 'manifest');
  if (m['format'] !== 'topiary-checkpoint') fail('manifest.format', m['format'], "'topiary-checkpoint'");
  if (m['version'] === 1) {
    throw new Error('checkpoint manifest.version is 1, written before checkpoints recorded the optimizer kind and its hidden state; this version reads version 2 only (save the run again)');
  }
  if (m['version'] !== 2) fail('manifest.version', m['version'], '2');
  text(m['strategy'], 'manifest.strategy');
  count(m['step'], 'manifest.step');
  const rng = list(m['rngState'], 'manifest.rngState');
  if (rng.length !== 4) fail('manifest.rngState', rng, 'an array of 4 integers');
  rng.forEach((v, i) => {
    if (!Number.isInteger(v) || (v as number) < -0x80000000 || (v as number) > 0xffffffff) fail(`manifest.rngState[${i}]`, v, 'a 32-bit integer');
  });
  const flops = record(m['flops'], 'manifest.flops');
  for (const key of ['training', 'denseTraining']) {
    const v = flops[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`manifest.flops.${key}`, v, 'a finite number ≥ 0');
  }
  list(m['layers'], 'manifest.layers').forEach((l, i) => {
    const layer = record(l, `manifest.layers[${i}]`);
    text(layer['name'], `manifest.layers[${i}].name`);
    text(layer['layerName'], `manifest.layers[${i}].layerName`);
    shapeOf(layer['shape'], `manifest.layers[${i}].shape`);
    count(layer['active'], `manifest.layers[${i}].active`);
  });
  list(m['weights'], 'manifest.weights').forEach((w, i) => {
    const weight = record(w, `manifest.weights[${i}]`);
    text(weight['name'], `manifest.weights[${i}].name`);
    shapeOf(weight['shape'], `manifest.weights[${i}].shape`);
  });
  const opt = record(m['optimizer'], 'manifest.optimizer');
  text(opt['className'], 'manifest.optimizer.className');
  list(opt['slots'], 'manifest.optimizer.slots').forEach((s, i) => text(s, `manifest.optimizer.slots[${i}]`));
  list(opt['hidden'], 'manifest.optimizer.hidden').forEach((s, i) => text(s, `manifest.optimizer.hidden[${i}]`));
  list(opt['entries'], 'manifest.optimizer.entries').forEach((e, j) => {
    const entry = record(e, `manifest.optimizer.entries[${j}]`);
    const index = entry['variableIndex'];
    if (!Number.isSafeInteger(index) || (index as number) < -1) fail(`manifest.optimizer.entries[${j}].variableIndex`, index, 'an integer ≥ −1');
    text(entry['suffix'], `manifest.optimizer.entries[${j}].suffix`);
    text(entry['name'], `manifest.optimizer.entries[${j}].name`);
  });
  if (typeof m['hasMomentum'] !== 'boolean') fail('manifest.hasMomentum', m['hasMomentum'], 'a boolean');
  const keys = new Set<string>();
  list(m['tensors'], 'manifest.tensors').forEach((t, i) => {
    const entry = record(t, `manifest.tensors[${i}]`);
    const key = text(entry['key'], `manifest.tensors[${i}].key`);
    if (keys.has(key)) fail(`manifest.tensors[${i}].key`, key, 'unique (it appears twice)');
    keys.add(key);
    if (!TENSOR_DTYPES.includes(entry['dtype'] as (typeof TENSOR_DTYPES)[number])) fail(`manifest.tensors[${i}].dtype`, entry['dtype'], `one of ${TENSOR_DTYPES.join(', ')}`);
    shapeOf(entry['shape'], `manifest.tensors[${i}].shape`);
    count(entry['offset'], `manifest.tensors[${i}].offset`);
    count(entry['byteLength'], `manifest.tensors[${i}].byteLength`);
  });
  return m as unknown as CheckpointManifest;
}

function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/**
 * Validates a checkpoint against a trainer's model and optimizer and returns its contents. Checks every
 * manifest field's type and range, the RNG state, layer and weight shapes, mask values and counts, byte
 * lengths, the optimizer kind (class and slots) and slot layout, and the finiteness of weights, slots and
 * momentum; throws an Error saying what is wrong before any tensor is made, so a refused load changes nothing.
 */
export async function readCheckpoint(checkpoint: Checkpoint, target: CheckpointTarget): Promise<RestoredCheckpoint> {
  if (!isRecord(checkpoint)) fail('', checkpoint, 'an object { manifest, data }');
  const manifest = checkManifest(checkpoint.manifest);
  const data: unknown = checkpoint.data;
  if (!(data instanceof Uint8Array)) fail('data', data === null ? null : typeof data, 'a Uint8Array');
  const entries = new Map(manifest.tensors.map((e) => [e.key, e]));
  const bytes = (key: string, shape: readonly number[], dtype: CheckpointTensorEntry['dtype'], what = key): Uint8Array => {
    const e = entries.get(key);
    if (!e) throw new Error(`checkpoint is missing tensor ${key} (${what})`);
    if (e.dtype !== dtype || !sameShape(e.shape, shape)) {
      throw new Error(`checkpoint tensor ${key} (${what}) is ${e.dtype}${fmt(e.shape)} but this trainer needs ${dtype}${fmt(shape)}`);
    }
    const width = dtype === 'uint8' ? 1 : 4;
    const expected = shape.reduce((a, b) => a * b, 1) * width;
    if (e.byteLength !== expected || e.offset + e.byteLength > data.byteLength) {
      throw new Error(`checkpoint tensor ${key} (${what}) is truncated or corrupt: ${e.byteLength} bytes at ${e.offset}, ${expected} expected, data has ${data.byteLength}`);
    }
    return data.slice(e.offset, e.offset + e.byteLength);
  };
  const floats = (raw: Uint8Array): Float32Array => new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const finite = (raw: Uint8Array, key: string, what: string): void => {
    if (target.allowNonFinite) return;
    const values = floats(raw);
    const bad = firstNonFinite(values);
    if (bad >= 0) throw new Error(`checkpoint tensor ${key} (${what}) holds ${values[bad]} at index ${bad}; non-finite state is refused (pass { allowNonFinite: true } to load it anyway)`);
  };

  // masks
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
    const mask = bytes(`mask/${i}`, k.shape, 'uint8', `mask of ${k.layerName}`);
    if (!mask.every((v) => v === 0 || v === 1)) throw new Error(`checkpoint mask/${i} holds values other than 0 and 1`);
    const active = countActive(mask);
    if (active !== saved.active) throw new Error(`checkpoint mask/${i} has ${active} active weights but its manifest says ${saved.active}`);
    const ever = bytes(`everActive/${i}`, k.shape, 'uint8', `ever-active record of ${k.layerName}`);
    if (!ever.every((v, j) => v === 1 || (v === 0 && mask[j] === 0))) throw new Error(`checkpoint everActive/${i} holds values other than 0 and 1, or misses an active weight`);
    masks.push(mask);
    everActive.push(ever);
    actives.push(active);
  });

  // model weights
  if (manifest.weights.length !== target.modelWeights.length) {
    throw new Error(`checkpoint has ${manifest.weights.length} model weights but the model has ${target.modelWeights.length}`);
  }
  const weightBytes = target.modelWeights.map((w, i) => {
    const raw = bytes(`weight/${i}`, w.shape, 'float32', `model weight ${w.name}`);
    finite(raw, `weight/${i}`, `model weight ${w.name}`);
    return raw;
  });

  // optimizer: kind, layout, shapes, values
  const held = await target.optimizer.getWeights().catch((error: Error) => {
    throw new Error(`loadCheckpoint: optimizer ${target.optimizer.getClassName()} cannot report its state (getWeights): ${error.message}`);
  });
  tf.dispose(held.filter((w) => !(w.tensor instanceof tf.Variable)).map((w) => w.tensor));
  const kind = optimizerKind(
    target.optimizer,
    held.map((w) => w.name).filter((n) => n !== 'iter'),
  );
  const saved = manifest.optimizer;
  const sameSlots = !kind.slotsKnown && kind.slots.length === 0 ? true : saved.slots.length === kind.slots.length && saved.slots.every((s, i) => s === kind.slots[i]);
  if (saved.className !== kind.className || !sameSlots) {
    throw new Error(`checkpoint optimizer is ${describeOptimizerKind(saved)} but this trainer's optimizer is ${describeOptimizerKind(kind)}: load it into a trainer with the same kind of optimizer`);
  }
  const hiddenNames = hiddenScalarNames(target.optimizer);
  if (saved.hidden.length !== hiddenNames.length || saved.hidden.some((n, i) => n !== hiddenNames[i])) {
    fail('manifest.optimizer.hidden', saved.hidden, `${showValue(hiddenNames)} for optimizer ${kind.className}`);
  }
  const trainables = target.trainable.length;
  if (kind.slotsKnown) {
    const expected = [1, 1 + kind.slots.length * trainables];
    if (!expected.includes(saved.entries.length)) {
      throw new Error(`checkpoint optimizer state has ${saved.entries.length} entries but ${describeOptimizerKind(kind)} over ${trainables} trainable weights has ${[...new Set(expected)].join(' or ')}`);
    }
  }
  const optimizerBytes = saved.entries.map((o, j) => {
    const key = `optimizer/${j}`;
    const layout = `${kind.className} keeps its iteration count 'iter' first and one entry per slot and trainable weight after it`;
    if (kind.slotsKnown && j === 0 && !(o.variableIndex === -1 && o.name === 'iter')) throw new Error(`checkpoint optimizer entry 0 is ${showValue(o)}, but ${layout}`);
    if (o.variableIndex < 0) {
      if (kind.slotsKnown && j !== 0) throw new Error(`checkpoint optimizer entry ${j} is ${showValue(o)}, but ${layout}`);
      if (o.name === 'iter') {
        const raw = bytes(key, [], 'int32', 'optimizer iteration count');
        const iterations = new Int32Array(raw.buffer, raw.byteOffset, 1)[0]!;
        if (iterations < 0) throw new Error(`checkpoint optimizer iteration count must be ≥ 0 (got ${iterations})`);
        return { name: 'iter', dtype: 'int32' as const, shape: [] as number[], raw };
      }
      const e = entries.get(key);
      if (!e) throw new Error(`checkpoint is missing tensor ${key} (optimizer state ${o.name})`);
      const raw = bytes(key, e.shape, e.dtype, `optimizer state ${o.name}`);
      if (e.dtype === 'float32') finite(raw, key, `optimizer state ${o.name}`);
      return { name: o.name, dtype: e.dtype, shape: [...e.shape], raw };
    }
    const v = target.trainable[o.variableIndex];
    if (!v) throw new Error(`checkpoint optimizer state ${o.name} refers to trainable weight ${o.variableIndex}, but the model has ${trainables}`);
    if (kind.slotsKnown) {
      const slot = kind.slots[Math.floor((j - 1) / trainables)];
      const index = (j - 1) % trainables;
      if (o.variableIndex !== index || o.suffix !== `/${slot}`) {
        throw new Error(`checkpoint optimizer entry ${j} is slot ${JSON.stringify(o.suffix)} of trainable weight ${o.variableIndex}, but ${kind.className} lists slot "/${slot}" of trainable weight ${index} there`);
      }
    }
    const raw = bytes(key, v.shape, 'float32', `optimizer slot ${o.suffix} of ${v.name}`);
    finite(raw, key, `optimizer slot ${o.suffix} of ${v.name}`);
    return { name: `${v.name}${o.suffix}`, dtype: 'float32' as const, shape: [...v.shape], raw };
  });
  const hidden = hiddenNames.map((name) => {
    hiddenScalar(target.optimizer, name); // present in this tfjs, so that applying cannot fail half-way
    const key = `optimizerHidden/${name}`;
    const raw = bytes(key, [], 'float32', `optimizer ${name}`);
    const value = floats(raw)[0]!;
    if (!Number.isFinite(value)) throw new Error(`checkpoint tensor ${key} (optimizer ${name}) must be finite (got ${value})`);
    return { name, value };
  });

  // momentum
  if (target.needsMomentum && !manifest.hasMomentum) throw new Error('checkpoint has no dense-gradient momentum, which this strategy needs (manifest.hasMomentum is false)');
  const momentumBytes = target.needsMomentum
    ? target.kernels.map((k, i) => {
        const raw = bytes(`momentum/${i}`, k.shape, 'float32', `dense-gradient momentum of ${k.layerName}`);
        finite(raw, `momentum/${i}`, `dense-gradient momentum of ${k.layerName}`);
        return raw;
      })
    : undefined;

  let rng: Rng;
  try {
    rng = Rng.fromState(manifest.rngState);
  } catch (error) {
    throw new Error(`checkpoint manifest.rngState is not a generator state: ${(error as Error).message}`);
  }

  // Everything checked: build tensors.
  return {
    step: manifest.step,
    rng,
    flops: { training: manifest.flops.training, denseTraining: manifest.flops.denseTraining },
    masks,
    everActive,
    actives,
    modelWeights: target.modelWeights.map((w, i) => tf.tensor(floats(weightBytes[i]!), w.shape, 'float32')),
    optimizerWeights: optimizerBytes.map((o) => ({
      name: o.name,
      tensor:
        o.dtype === 'int32'
          ? tf.tensor(new Int32Array(o.raw.buffer, o.raw.byteOffset, o.raw.byteLength / 4), o.shape, 'int32')
          : o.dtype === 'uint8'
            ? tf.tensor(Int32Array.from(o.raw), o.shape, 'int32')
            : tf.tensor(floats(o.raw), o.shape, 'float32'),
    })),
    optimizerHidden: hidden,
    momentum: momentumBytes?.map((raw, i) => tf.tensor(floats(raw), [...target.kernels[i]!.shape], 'float32')),
  };
}

/** Packs a checkpoint into one byte array: a 4-byte little-endian manifest length, the manifest JSON, the data. */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  return packFramed(checkpoint.manifest, checkpoint.data);
}

/** Unpacks bytes written by {@link encodeCheckpoint}. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  return unpackFramed<CheckpointManifest>(bytes, 'checkpoint');
}
