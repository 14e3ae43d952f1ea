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
  /** What the tensor is, e.g. `mask/0`, `rowPointers/0`, `weight/3`, `optimizer/2`, `momentum/1`. */
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

/** One masked layer in a checkpoint manifest. */
export interface CheckpointLayer {
  /** Kernel name. */
  readonly name: string;
  /** Layer name. */
  readonly layerName: string;
  /** The kernel's shape. */
  readonly shape: readonly number[];
  /** Active weights. */
  readonly active: number;
  /**
   * How the layer is stored (version 3; version 2 stores every layer `dense`): `dense` as uint8 `mask/i` and
   * `everActive/i` of the kernel's size, the kernel and its optimizer slots dense; `csr` (2-D kernels) as int32
   * `rowPointers/i` [inputs + 1] and `columnIndices/i` [active], the ever-active positions as
   * `everActiveRowPointers/i` and `everActiveColumnIndices/i`, the kernel and its optimizer slots one float per
   * stored weight in row-major order. @default 'dense'
   */
  readonly storage?: CheckpointLayerStorage;
  /** Positions ever active (version 3 `csr` layers). */
  readonly everActive?: number;
}

/** How a checkpoint stores a masked layer: dense masks and kernels, or CSR with values per stored weight. */
export type CheckpointLayerStorage = 'dense' | 'csr';

/** The JSON half of a checkpoint. */
export interface CheckpointManifest {
  /** Format tag. */
  readonly format: 'topiary-checkpoint';
  /**
   * Format version: 2 (written by `SparseTrainer`: dense masks, every weight dense) or 3 (written by the sparse
   * engine: each layer's {@link CheckpointLayer.storage}, `dense` or `csr`, and the engine that wrote it).
   */
  readonly version: 2 | 3;
  /** The engine that wrote a version 3 checkpoint (`masked` or `sparse`). */
  readonly engine?: string;
  /** Strategy name at save time. */
  readonly strategy: string;
  /** Steps taken. */
  readonly step: number;
  /** The engine generator's state. */
  readonly rngState: number[];
  /** FLOPs counters. */
  readonly flops: { readonly training: number; readonly denseTraining: number };
  /** Masked layers in order: kernel name, layer name, shape, active count and (version 3) storage. */
  readonly layers: readonly CheckpointLayer[];
  /** Model weights in `model.weights` order (their dense shapes, also for kernels stored as CSR). */
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

/** Writes the optimizer's state (`optimizer/<j>` by trainable-variable index, hidden scalars) and returns its manifest part. */
async function writeOptimizer(writer: Writer, optimizer: tf.Optimizer, trainable: readonly tf.Variable[]): Promise<CheckpointOptimizer> {
  const entries: { variableIndex: number; suffix: string; name: string }[] = [];
  let optimizerWeights: { name: string; tensor: tf.Tensor }[] = [];
  try {
    optimizerWeights = await optimizer.getWeights();
  } catch (error) {
    throw new Error(`saveCheckpoint: optimizer ${optimizer.getClassName()} cannot export its state (getWeights): ${(error as Error).message}`);
  }
  let kind: OptimizerKind;
  const hidden = hiddenScalarNames(optimizer);
  try {
    kind = optimizerKind(
      optimizer,
      optimizerWeights.map((w) => w.name).filter((n) => n !== 'iter'),
    );
    for (const [j, { name, tensor }] of optimizerWeights.entries()) {
      const variableIndex = trainable.findIndex((v) => name.startsWith(`${v.name}/`));
      const suffix = variableIndex >= 0 ? name.slice(trainable[variableIndex]!.name.length) : name;
      entries.push({ variableIndex, suffix, name });
      await writer.addTensor(`optimizer/${j}`, tensor);
    }
    for (const name of hidden) await writer.addTensor(`optimizerHidden/${name}`, hiddenScalar(optimizer, name));
  } finally {
    tf.dispose(optimizerWeights.filter(({ tensor }) => !(tensor instanceof tf.Variable)).map(({ tensor }) => tensor));
  }
  return { className: kind.className, slots: [...kind.slots], entries, hidden: [...hidden] };
}

const bytesOf = (typed: Int32Array | Float32Array): Uint8Array => new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);

/** Serialises everything needed to resume training exactly (format version 2, every layer dense). */
export async function writeCheckpoint(source: CheckpointSource): Promise<Checkpoint> {
  const writer = new Writer();
  source.kernels.forEach((k, i) => {
    writer.add(`mask/${i}`, 'uint8', k.shape, source.state.mask(i));
    writer.add(`everActive/${i}`, 'uint8', k.shape, source.state.everActive(i));
  });
  for (const [i, w] of source.modelWeights.entries()) await writer.addTensor(`weight/${i}`, w);
  const optimizer = await writeOptimizer(writer, source.optimizer, source.trainable);
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
      optimizer,
      hasMomentum: source.momentum !== undefined,
      tensors: writer.entries,
    },
    data: writer.concat(),
  };
}

/** A layer's stored positions as CSR of its [inputs, outputs] kernel (row pointers, ascending columns per row). */
export interface CheckpointCsr {
  /** inputs + 1 offsets into `columnIndices`. */
  readonly rowPointers: Int32Array;
  /** Column of each stored position, ascending within a row. */
  readonly columnIndices: Int32Array;
}

/** What {@link writeSparseCheckpoint} needs from a trainer that holds its layers as CSR. */
export interface SparseCheckpointSource {
  /** The strategy's name. */
  readonly strategy: string;
  /** Steps taken. */
  readonly step: number;
  /** The engine generator's state. */
  readonly rngState: number[];
  /** FLOPs counters. */
  readonly flops: { training: number; denseTraining: number };
  /** Each layer: its kernel's shape facts, stored positions and ever-active positions. */
  readonly layers: readonly { readonly shape: LayerShape; readonly structure: CheckpointCsr; readonly everActive: CheckpointCsr }[];
  /** The weights in the order of a tfjs model of the same layers (kernel, bias, …) with their dense shapes; a kernel's variable holds its values per stored weight. */
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[]; readonly variable: tf.Variable }[];
  /** The trainable variables in the optimizer's order. */
  readonly trainable: readonly tf.Variable[];
  /** The optimizer. */
  readonly optimizer: tf.Optimizer;
}

/**
 * Serialises a sparse-engine trainer (format version 3, every layer `csr`): row pointers and column indices per
 * layer, kernel values and optimizer slots per stored weight, so that nothing of a dense kernel's size is made.
 */
export async function writeSparseCheckpoint(source: SparseCheckpointSource): Promise<Checkpoint> {
  const writer = new Writer();
  source.layers.forEach(({ shape, structure, everActive }, i) => {
    writer.add(`rowPointers/${i}`, 'int32', [structure.rowPointers.length], bytesOf(structure.rowPointers));
    writer.add(`columnIndices/${i}`, 'int32', [structure.columnIndices.length], bytesOf(structure.columnIndices));
    writer.add(`everActiveRowPointers/${i}`, 'int32', [everActive.rowPointers.length], bytesOf(everActive.rowPointers));
    writer.add(`everActiveColumnIndices/${i}`, 'int32', [everActive.columnIndices.length], bytesOf(everActive.columnIndices));
    if (shape.shape.length !== 2) throw new Error(`saveCheckpoint: layer ${shape.layerName} has shape ${fmt(shape.shape)}; CSR storage holds 2-D kernels`);
  });
  for (const [i, w] of source.weights.entries()) await writer.addTensor(`weight/${i}`, w.variable);
  const optimizer = await writeOptimizer(writer, source.optimizer, source.trainable);
  return {
    manifest: {
      format: 'topiary-checkpoint',
      version: 3,
      engine: 'sparse',
      strategy: source.strategy,
      step: source.step,
      rngState: [...source.rngState],
      flops: { ...source.flops },
      layers: source.layers.map(({ shape, structure, everActive }) => ({
        name: shape.name,
        layerName: shape.layerName,
        shape: [...shape.shape],
        active: structure.columnIndices.length,
        storage: 'csr' as const,
        everActive: everActive.columnIndices.length,
      })),
      weights: source.weights.map((w) => ({ name: w.name, shape: [...w.shape] })),
      optimizer,
      hasMomentum: false,
      tensors: writer.entries,
    },
    data: writer.concat(),
  };
}

/** What a checkpoint is checked against (a trainer holding dense kernels and masks: `SparseTrainer`). */
export interface CheckpointTarget {
  /** The masked kernels, in order. */
  readonly kernels: readonly LayerShape[];
  /** Every model weight, in `model.weights` order. */
  readonly modelWeights: readonly tf.Variable[];
  /** The trainable weights in the optimizer's order. */
  readonly trainable: readonly tf.Variable[];
  /** Whether the strategy keeps dense-gradient momentum buffers. */
  readonly needsMomentum: boolean;
  /** The optimizer the state goes into. */
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

/** What a checkpoint is checked against by a trainer that holds its layers as CSR (the sparse engine). */
export interface SparseCheckpointTarget {
  /** The layers' kernels (2-D), in order. */
  readonly kernels: readonly LayerShape[];
  /** The weights in the order of a tfjs model of the same layers, with their dense shapes. */
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** For each layer, the index in `weights` of its kernel. */
  readonly kernelWeights: readonly number[];
  /** The trainable variables in the optimizer's order: the name its slots are filed under and its index in `weights`. */
  readonly trainable: readonly { readonly name: string; readonly weight: number }[];
  /** The optimizer the state goes into. */
  readonly optimizer: tf.Optimizer;
  /** Accept non-finite weights and optimizer slots. */
  readonly allowNonFinite: boolean;
}

/** A validated checkpoint for a CSR trainer: per layer its structure, values and ever-active positions (nothing dense). */
export interface RestoredSparseCheckpoint {
  /** Steps taken. */
  readonly step: number;
  /** The generator, at its saved state. */
  readonly rng: Rng;
  /** FLOPs counters. */
  readonly flops: { training: number; denseTraining: number };
  /** Each layer's stored positions, their values (row-major order) and its ever-active flat positions (ascending). */
  readonly layers: { readonly structure: CheckpointCsr; readonly values: Float32Array; readonly everActive: Float64Array }[];
  /** Every weight as stored for this trainer: a kernel's values per stored weight (as in `layers`), others dense. */
  readonly weights: Float32Array[];
  /** The optimizer's state under the target's variable names, a kernel's slots per stored weight. */
  readonly optimizerWeights: { name: string; tensor: tf.Tensor }[];
  /** Scalar optimizer state `setWeights` does not restore (Adam's β powers). */
  readonly optimizerHidden: { name: string; value: number }[];
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
const STORAGES: readonly CheckpointLayerStorage[] = ['dense', 'csr'];

/** Checks every field of a manifest for type and range, so that later code never meets an unexpected value. */
function checkManifest(raw: unknown): CheckpointManifest {
  const m = record(raw, 'manifest');
  if (m['format'] !== 'topiary-checkpoint') fail('manifest.format', m['format'], "'topiary-checkpoint'");
  if (m['version'] === 1) {
    throw new Error('checkpoint manifest.version is 1, written before checkpoints recorded the optimizer kind and its hidden state; this version reads versions 2 and 3 only (save the run again)');
  }
  if (m['version'] !== 2 && m['version'] !== 3) fail('manifest.version', m['version'], '2 or 3');
  const version = m['version'];
  if (version === 3) text(m['engine'], 'manifest.engine');
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
    const shape = shapeOf(layer['shape'], `manifest.layers[${i}].shape`);
    count(layer['active'], `manifest.layers[${i}].active`);
    if (version === 2 && layer['storage'] !== undefined) fail(`manifest.layers[${i}].storage`, layer['storage'], 'absent in version 2 (every layer is dense)');
    const storage = layer['storage'] ?? 'dense';
    if (!STORAGES.includes(storage as CheckpointLayerStorage)) fail(`manifest.layers[${i}].storage`, storage, `one of ${STORAGES.join(', ')}`);
    if (storage === 'csr') {
      if (shape.length !== 2) fail(`manifest.layers[${i}].shape`, shape, "2-D ([inputs, outputs]) under storage 'csr'");
      count(layer['everActive'], `manifest.layers[${i}].everActive`);
    }
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

/** A saved layer's positions, validated: dense masks, or CSR of the stored and the ever-active positions. */
type SavedLayer =
  | { readonly storage: 'dense'; readonly mask: Uint8Array; readonly everActive: Uint8Array; readonly active: number }
  | { readonly storage: 'csr'; readonly structure: CheckpointCsr; readonly everActive: CheckpointCsr; readonly active: number };

/** What the validation needs of a trainer, whichever way it holds its layers. */
interface CheckpointLayout {
  readonly kernels: readonly LayerShape[];
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly kernelWeights: readonly number[];
  readonly trainable: readonly { readonly name: string; readonly weight: number }[];
  readonly needsMomentum: boolean;
  readonly optimizer: tf.Optimizer;
  readonly allowNonFinite: boolean;
}

/** A checkpoint checked against a layout: everything as stored, nothing applied. */
interface ValidCheckpoint {
  readonly step: number;
  readonly rng: Rng;
  readonly flops: { training: number; denseTraining: number };
  readonly layers: SavedLayer[];
  /** Each weight as stored: dense, or per stored weight for the kernel of a `csr` layer. */
  readonly weights: Float32Array[];
  /** Optimizer entries; `weight` is the index of the weight a slot belongs to (−1 for global state). */
  readonly optimizer: { name: string; dtype: 'float32' | 'int32'; shape: number[]; data: Float32Array | Int32Array; weight: number }[];
  readonly hidden: { name: string; value: number }[];
  readonly momentum: Float32Array[] | undefined;
}

/** Why a CSR structure of an inputs × outputs kernel with `nnz` entries is invalid, or undefined. */
function csrProblem(rowPointers: Int32Array, columns: Int32Array, outputs: number): string | undefined {
  if (rowPointers[0] !== 0) return `row pointer 0 is ${rowPointers[0]}, not 0`;
  const rows = rowPointers.length - 1;
  if (rowPointers[rows] !== columns.length) return `the last row pointer is ${rowPointers[rows]}, not the ${columns.length} column indices`;
  for (let i = 0; i < rows; i++) {
    const start = rowPointers[i]!;
    const end = rowPointers[i + 1]!;
    if (end < start) return `row pointer ${i + 1} (${end}) is below row pointer ${i} (${start})`;
    for (let k = start; k < end; k++) {
      const c = columns[k]!;
      if (c < 0 || c >= outputs) return `column index ${k} is ${c}, outside [0, ${outputs})`;
      if (k > start && c <= columns[k - 1]!) return `column indices of row ${i} are not strictly ascending at index ${k}`;
    }
  }
  return undefined;
}

/** Whether every position of `inner` is one of `outer` (both valid CSR of the same kernel). */
function csrContains(outer: CheckpointCsr, inner: CheckpointCsr): boolean {
  const rows = inner.rowPointers.length - 1;
  for (let i = 0; i < rows; i++) {
    let o = outer.rowPointers[i]!;
    const oEnd = outer.rowPointers[i + 1]!;
    for (let k = inner.rowPointers[i]!; k < inner.rowPointers[i + 1]!; k++) {
      const c = inner.columnIndices[k]!;
      while (o < oEnd && outer.columnIndices[o]! < c) o++;
      if (o >= oEnd || outer.columnIndices[o] !== c) return false;
    }
  }
  return true;
}

/**
 * Validates a checkpoint against a layout and returns its contents as stored. Checks every manifest field's type
 * and range, the RNG state, layer and weight shapes, mask values and counts, CSR structures, byte lengths, the
 * optimizer kind (class and slots) and slot layout, and the finiteness of weights, slots and momentum; throws an
 * Error saying what is wrong before any tensor is made.
 */
async function validateCheckpoint(checkpoint: Checkpoint, target: CheckpointLayout): Promise<ValidCheckpoint> {
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
  const ints = (raw: Uint8Array): Int32Array => new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const finite = (raw: Uint8Array, key: string, what: string): void => {
    if (target.allowNonFinite) return;
    const values = floats(raw);
    const bad = firstNonFinite(values);
    if (bad >= 0) throw new Error(`checkpoint tensor ${key} (${what}) holds ${values[bad]} at index ${bad}; non-finite state is refused (pass { allowNonFinite: true } to load it anyway)`);
  };
  const csr = (i: number, prefix: string, inputs: number, outputs: number, nnz: number, what: string): CheckpointCsr => {
    const rowPointers = ints(bytes(`${prefix === '' ? 'rowPointers' : `${prefix}RowPointers`}/${i}`, [inputs + 1], 'int32', `row pointers of ${what}`));
    const columnIndices = ints(bytes(`${prefix === '' ? 'columnIndices' : `${prefix}ColumnIndices`}/${i}`, [nnz], 'int32', `column indices of ${what}`));
    const problem = csrProblem(rowPointers, columnIndices, outputs);
    if (problem !== undefined) throw new Error(`checkpoint ${what} is not a valid CSR structure of a ${inputs} × ${outputs} kernel: ${problem}`);
    return { rowPointers, columnIndices };
  };

  // masks
  if (manifest.layers.length !== target.kernels.length) {
    throw new Error(`checkpoint has ${manifest.layers.length} masked layers but the model has ${target.kernels.length}`);
  }
  const layers: SavedLayer[] = target.kernels.map((k, i) => {
    const saved = manifest.layers[i]!;
    if (!sameShape(saved.shape, k.shape)) {
      throw new Error(`checkpoint masked layer ${i} (${saved.layerName}) has shape ${fmt(saved.shape)} but the model's masked layer ${i} (${k.layerName}) has shape ${fmt(k.shape)}`);
    }
    if (saved.storage === 'csr') {
      const [inputs, outputs] = k.shape as [number, number];
      const structure = csr(i, '', inputs, outputs, saved.active, `layer ${i} (${k.layerName})`);
      const everActive = csr(i, 'everActive', inputs, outputs, saved.everActive!, `ever-active record of layer ${i} (${k.layerName})`);
      if (!csrContains(everActive, structure)) throw new Error(`checkpoint ever-active record of layer ${i} (${k.layerName}) misses a stored weight`);
      return { storage: 'csr' as const, structure, everActive, active: saved.active };
    }
    const mask = bytes(`mask/${i}`, k.shape, 'uint8', `mask of ${k.layerName}`);
    if (!mask.every((v) => v === 0 || v === 1)) throw new Error(`checkpoint mask/${i} holds values other than 0 and 1`);
    const active = countActive(mask);
    if (active !== saved.active) throw new Error(`checkpoint mask/${i} has ${active} active weights but its manifest says ${saved.active}`);
    const ever = bytes(`everActive/${i}`, k.shape, 'uint8', `ever-active record of ${k.layerName}`);
    if (!ever.every((v, j) => v === 1 || (v === 0 && mask[j] === 0))) throw new Error(`checkpoint everActive/${i} holds values other than 0 and 1, or misses an active weight`);
    return { storage: 'dense' as const, mask, everActive: ever, active };
  });

  // model weights: a csr layer's kernel is stored per stored weight
  const storedShape = (w: number): readonly number[] => {
    const layer = target.kernelWeights.indexOf(w);
    const saved = layer >= 0 ? layers[layer]! : undefined;
    return saved?.storage === 'csr' ? [saved.active] : target.weights[w]!.shape;
  };
  if (manifest.weights.length !== target.weights.length) {
    throw new Error(`checkpoint has ${manifest.weights.length} model weights but the model has ${target.weights.length}`);
  }
  const weights = target.weights.map((w, i) => {
    if (!sameShape(manifest.weights[i]!.shape, w.shape)) {
      throw new Error(`checkpoint model weight ${i} (${manifest.weights[i]!.name}) has shape ${fmt(manifest.weights[i]!.shape)} but the model's weight ${i} (${w.name}) has shape ${fmt(w.shape)}`);
    }
    const raw = bytes(`weight/${i}`, storedShape(i), 'float32', `model weight ${w.name}`);
    finite(raw, `weight/${i}`, `model weight ${w.name}`);
    return floats(raw);
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
  const optimizer = saved.entries.map((o, j) => {
    const key = `optimizer/${j}`;
    const layout = `${kind.className} keeps its iteration count 'iter' first and one entry per slot and trainable weight after it`;
    if (kind.slotsKnown && j === 0 && !(o.variableIndex === -1 && o.name === 'iter')) throw new Error(`checkpoint optimizer entry 0 is ${showValue(o)}, but ${layout}`);
    if (o.variableIndex < 0) {
      if (kind.slotsKnown && j !== 0) throw new Error(`checkpoint optimizer entry ${j} is ${showValue(o)}, but ${layout}`);
      if (o.name === 'iter') {
        const iterations = ints(bytes(key, [], 'int32', 'optimizer iteration count'));
        if (iterations[0]! < 0) throw new Error(`checkpoint optimizer iteration count must be ≥ 0 (got ${iterations[0]})`);
        return { name: 'iter', dtype: 'int32' as const, shape: [] as number[], data: iterations, weight: -1 };
      }
      const e = entries.get(key);
      if (!e) throw new Error(`checkpoint is missing tensor ${key} (optimizer state ${o.name})`);
      const raw = bytes(key, e.shape, e.dtype, `optimizer state ${o.name}`);
      if (e.dtype === 'float32') finite(raw, key, `optimizer state ${o.name}`);
      const data = e.dtype === 'float32' ? floats(raw) : e.dtype === 'int32' ? ints(raw) : Int32Array.from(raw);
      return { name: o.name, dtype: e.dtype === 'float32' ? ('float32' as const) : ('int32' as const), shape: [...e.shape], data, weight: -1 };
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
    const shape = storedShape(v.weight);
    const raw = bytes(key, shape, 'float32', `optimizer slot ${o.suffix} of ${v.name}`);
    finite(raw, key, `optimizer slot ${o.suffix} of ${v.name}`);
    return { name: `${v.name}${o.suffix}`, dtype: 'float32' as const, shape: [...shape], data: floats(raw), weight: v.weight };
  });
  const hidden = hiddenNames.map((name) => {
    hiddenScalar(target.optimizer, name); // present in this tfjs, so that applying cannot fail half-way
    const key = `optimizerHidden/${name}`;
    const value = floats(bytes(key, [], 'float32', `optimizer ${name}`))[0]!;
    if (!Number.isFinite(value)) throw new Error(`checkpoint tensor ${key} (optimizer ${name}) must be finite (got ${value})`);
    return { name, value };
  });

  // momentum
  if (target.needsMomentum && !manifest.hasMomentum) throw new Error('checkpoint has no dense-gradient momentum, which this strategy needs (manifest.hasMomentum is false)');
  const momentum = target.needsMomentum
    ? target.kernels.map((k, i) => {
        const raw = bytes(`momentum/${i}`, k.shape, 'float32', `dense-gradient momentum of ${k.layerName}`);
        finite(raw, `momentum/${i}`, `dense-gradient momentum of ${k.layerName}`);
        return floats(raw);
      })
    : undefined;

  let rng: Rng;
  try {
    rng = Rng.fromState(manifest.rngState);
  } catch (error) {
    throw new Error(`checkpoint manifest.rngState is not a generator state: ${(error as Error).message}`);
  }
  return { step: manifest.step, rng, flops: { training: manifest.flops.training, denseTraining: manifest.flops.denseTraining }, layers, weights, optimizer, hidden, momentum };
}

/** Values per stored weight (CSR order) spread into a dense row-major array of `size` with zeros elsewhere. */
function scatterCsr(structure: CheckpointCsr, outputs: number, size: number, values: Float32Array | undefined): Float32Array {
  const out = new Float32Array(size);
  const rows = structure.rowPointers.length - 1;
  for (let i = 0; i < rows; i++) {
    for (let k = structure.rowPointers[i]!; k < structure.rowPointers[i + 1]!; k++) out[i * outputs + structure.columnIndices[k]!] = values ? values[k]! : 1;
  }
  return out;
}

/** CSR of the ones of a dense row-major 0/1 mask of an inputs × outputs kernel. */
function csrOfMask(mask: Uint8Array, inputs: number, outputs: number): CheckpointCsr {
  const rowPointers = new Int32Array(inputs + 1);
  const columnIndices = new Int32Array(countActive(mask));
  let n = 0;
  for (let i = 0; i < inputs; i++) {
    for (let o = 0; o < outputs; o++) if (mask[i * outputs + o] === 1) columnIndices[n++] = o;
    rowPointers[i + 1] = n;
  }
  return { rowPointers, columnIndices };
}

/** The dense values of `dense` at the ones of `mask`, in row-major order. */
function gatherMask(dense: Float32Array, mask: Uint8Array, active: number): Float32Array {
  const out = new Float32Array(active);
  let n = 0;
  for (let j = 0; j < mask.length; j++) if (mask[j] === 1) out[n++] = dense[j]!;
  return out;
}

/** Ascending flat positions of a CSR structure of a kernel with `outputs` columns. */
function csrPositions(structure: CheckpointCsr, outputs: number): Float64Array {
  const out = new Float64Array(structure.columnIndices.length);
  const rows = structure.rowPointers.length - 1;
  for (let i = 0; i < rows; i++) {
    for (let k = structure.rowPointers[i]!; k < structure.rowPointers[i + 1]!; k++) out[k] = i * outputs + structure.columnIndices[k]!;
  }
  return out;
}

const tensorOf = (o: ValidCheckpoint['optimizer'][number], data: Float32Array | Int32Array = o.data, shape: readonly number[] = o.shape): tf.Tensor => tf.tensor(data, [...shape], o.dtype);

/**
 * Validates a checkpoint (version 2 or 3) against a trainer that holds dense kernels and masks (`SparseTrainer`)
 * and returns its contents densely: a `csr` layer's mask, ever-active record, kernel and optimizer slots are
 * spread to the kernel's shape with zeros elsewhere. Throws an Error saying what is wrong before any tensor is
 * made, so a refused load changes nothing.
 */
export async function readCheckpoint(checkpoint: Checkpoint, target: CheckpointTarget): Promise<RestoredCheckpoint> {
  const weights = target.modelWeights.map((w) => ({ name: w.name, shape: w.shape }));
  const kernelWeights = target.kernels.map((k) => target.modelWeights.findIndex((w) => w.name === k.name));
  const trainable = target.trainable.map((v) => ({ name: v.name, weight: target.modelWeights.indexOf(v) }));
  const valid = await validateCheckpoint(checkpoint, { ...target, weights, kernelWeights, trainable });
  const dense = (w: number, values: Float32Array): Float32Array => {
    const layer = kernelWeights.indexOf(w);
    const saved = layer >= 0 ? valid.layers[layer]! : undefined;
    if (saved?.storage !== 'csr') return values;
    const shape = target.kernels[layer]!.shape;
    return scatterCsr(saved.structure, shape[1]!, target.kernels[layer]!.size, values);
  };
  const masks = valid.layers.map((l, i) => (l.storage === 'dense' ? l.mask : Uint8Array.from(scatterCsr(l.structure, target.kernels[i]!.shape[1]!, target.kernels[i]!.size, undefined))));
  const everActive = valid.layers.map((l, i) => (l.storage === 'dense' ? l.everActive : Uint8Array.from(scatterCsr(l.everActive, target.kernels[i]!.shape[1]!, target.kernels[i]!.size, undefined))));
  return {
    step: valid.step,
    rng: valid.rng,
    flops: valid.flops,
    masks,
    everActive,
    actives: valid.layers.map((l) => l.active),
    modelWeights: target.modelWeights.map((w, i) => tf.tensor(dense(i, valid.weights[i]!), w.shape, 'float32')),
    optimizerWeights: valid.optimizer.map((o) => ({
      name: o.name,
      tensor: o.weight < 0 ? tensorOf(o) : tensorOf(o, dense(o.weight, o.data as Float32Array), target.modelWeights[o.weight]!.shape),
    })),
    optimizerHidden: valid.hidden,
    momentum: valid.momentum?.map((m, i) => tf.tensor(m, [...target.kernels[i]!.shape], 'float32')),
  };
}

/**
 * Validates a checkpoint (version 2 or 3) against a trainer that holds its layers as CSR (the sparse engine) and
 * returns its contents per stored weight: a `dense` layer's stored positions are the ones of its mask, its kernel
 * and optimizer slots gathered there (the dense arrays are those of the checkpoint; `csr` layers make nothing of
 * the kernel's size). Throws an Error saying what is wrong before any tensor is made, so a refused load changes nothing.
 */
export async function readSparseCheckpoint(checkpoint: Checkpoint, target: SparseCheckpointTarget): Promise<RestoredSparseCheckpoint> {
  target.kernels.forEach((k) => {
    if (k.shape.length !== 2) throw new Error(`loadCheckpoint: layer ${k.layerName} has shape ${fmt(k.shape)}; CSR storage holds 2-D kernels`);
  });
  const valid = await validateCheckpoint(checkpoint, { ...target, needsMomentum: false });
  const sparse = (w: number, values: Float32Array): Float32Array => {
    const layer = target.kernelWeights.indexOf(w);
    const saved = layer >= 0 ? valid.layers[layer]! : undefined;
    return saved?.storage === 'dense' ? gatherMask(values, saved.mask, saved.active) : values;
  };
  const weights = valid.weights.map((values, w) => sparse(w, values));
  const layers = valid.layers.map((l, i) => {
    const [inputs, outputs] = target.kernels[i]!.shape as [number, number];
    const values = weights[target.kernelWeights[i]!]!;
    if (l.storage === 'csr') return { structure: l.structure, values, everActive: csrPositions(l.everActive, outputs) };
    return { structure: csrOfMask(l.mask, inputs, outputs), values, everActive: csrPositions(csrOfMask(l.everActive, inputs, outputs), outputs) };
  });
  return {
    step: valid.step,
    rng: valid.rng,
    flops: valid.flops,
    layers,
    weights,
    optimizerWeights: valid.optimizer.map((o) => {
      if (o.weight < 0) return { name: o.name, tensor: tensorOf(o) };
      const values = sparse(o.weight, o.data as Float32Array);
      return { name: o.name, tensor: tensorOf(o, values, target.kernelWeights.includes(o.weight) ? [values.length] : o.shape) };
    }),
    optimizerHidden: valid.hidden,
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
