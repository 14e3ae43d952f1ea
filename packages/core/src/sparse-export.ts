import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { SparseTrainer } from './trainer.js';
import { unknownKeysMessage } from './suggest.js';
import { showValue } from './show-value.js';
import { packFramed, unpackFramed } from './framed-file.js';

/** How one weight's stored positions are written; see {@link exportSparseModel} for the choice. */
export type SparseWeightEncoding = 'dense' | 'bitmap' | 'delta-varint';

/** A byte range in a sparse model's `data`. */
export interface SparseModelSection {
  /** Byte offset into `data`. */
  readonly offset: number;
  /** Byte length. */
  readonly byteLength: number;
}

/** One model weight in a sparse model manifest. */
export interface SparseModelWeight {
  /** The tfjs weight name, as in a `model.json` weights manifest (the variable's `originalName`). */
  readonly name: string;
  /** Shape. */
  readonly shape: readonly number[];
  /** Element type (only `float32`). */
  readonly dtype: 'float32';
  /** How the positions are written: none (`dense`, every value stored), a bitmap, or delta-encoded varints. */
  readonly encoding: SparseWeightEncoding;
  /** Values stored: the number of positions whose float32 bit pattern is not 0 (the weight's size when `dense`). */
  readonly count: number;
  /** The stored float32 values (little-endian), in position order. */
  readonly values: SparseModelSection;
  /** The positions (absent when `dense`). */
  readonly indices?: SparseModelSection;
}

/** The JSON half of a sparse model. */
export interface SparseModelManifest {
  /** Format tag. */
  readonly format: 'topiary-sparse-model';
  /** Format version. */
  readonly version: 1;
  /** The tfjs-layers topology, as `model.toJSON(null, false)` returns it (the `modelTopology` of a `model.json`). */
  readonly modelTopology: Record<string, unknown>;
  /** Every model weight, in `model.weights` order. */
  readonly weights: readonly SparseModelWeight[];
}

/** A sparse model: a JSON manifest and one binary buffer (every weight's values, then every weight's positions). */
export interface SparseModelArtifact {
  /** JSON-serialisable description. */
  readonly manifest: SparseModelManifest;
  /** Values and positions, concatenated. */
  readonly data: Uint8Array;
}

/** Options of {@link exportSparseModel}. */
export interface SparseExportOptions {
  /**
   * Masks to check the weights against, keyed by weight name (`name` or `originalName`; 1 active, 0 inactive):
   * an inactive position that holds anything but ±0 is refused. @default the trainer's masks when a trainer is exported, else none
   */
  readonly masks?: Readonly<Record<string, Uint8Array>>;
}

const ENCODINGS: readonly SparseWeightEncoding[] = ['dense', 'bitmap', 'delta-varint'];

/** Bytes of the delta varints of `positions` (strictly increasing): 1 byte per 7 bits of each gap minus one. */
function varintBytes(positions: Uint32Array): number {
  let bytes = 0;
  let previous = -1;
  for (const p of positions) {
    let gap = p - previous - 1;
    previous = p;
    do {
      bytes++;
      gap = Math.floor(gap / 128);
    } while (gap > 0);
  }
  return bytes;
}

function writeVarints(positions: Uint32Array, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  let previous = -1;
  for (const p of positions) {
    let gap = p - previous - 1;
    previous = p;
    while (gap >= 128) {
      out[at++] = (gap & 0x7f) | 0x80;
      gap = Math.floor(gap / 128);
    }
    out[at++] = gap;
  }
  return out;
}

function writeBitmap(positions: Uint32Array, size: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(size / 8));
  for (const p of positions) out[p >> 3]! |= 1 << (p & 7);
  return out;
}

/** One weight of a sparse model, encoded: its manifest entry without the sections, its values and positions. */
export interface EncodedSparseWeight {
  /** The manifest entry, less the byte ranges (placed by {@link assembleSparseModel}). */
  readonly entry: Omit<SparseModelWeight, 'values' | 'indices'>;
  /** The stored float32 values, little-endian. */
  readonly values: Uint8Array;
  /** The encoded positions (undefined when `dense`). */
  readonly indices: Uint8Array | undefined;
}

/** The largest weight a sparse model holds (positions are 32-bit). */
const MAX_WEIGHT_SIZE = 0xffffffff;

/**
 * Encodes one weight from its stored positions (strictly increasing flat positions in row-major order) and their
 * values, with whichever of dense, bitmap and delta varints is smallest (see {@link exportSparseModel}); values whose
 * float32 bit pattern is 0 are left out, as the loader puts zeros wherever nothing is stored. Memory O(stored) for
 * delta varints; a bitmap (chosen above density 1/8) takes ⌈size/8⌉ bytes and dense storage (above ≈ 31/32) 4·size.
 * @throws Error naming the weight when positions are not strictly increasing within [0, size) or the weight has more than 2³² − 1 positions.
 */
export function encodeSparseWeight(name: string, shape: readonly number[], positions: ArrayLike<number>, values: Float32Array): EncodedSparseWeight {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size) || size > MAX_WEIGHT_SIZE) throw new Error(`sparse model: weight ${name} of shape ${showValue(shape)} has ${size} positions; a sparse model holds weights of at most 2^32 − 1 positions`);
  if (positions.length !== values.length) throw new Error(`sparse model: weight ${name} has ${positions.length} positions but ${values.length} values`);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let count = 0;
  let previous = -1;
  for (let j = 0; j < positions.length; j++) {
    const p = positions[j]!;
    if (!(Number.isInteger(p) && p > previous && p < size)) throw new Error(`sparse model: weight ${name} position ${j} is ${p}; positions must be strictly increasing integers in [0, ${size})`);
    previous = p;
    if (bits[j] !== 0) count++;
  }
  const kept = new Uint32Array(count);
  const stored = new Float32Array(count);
  for (let j = 0, n = 0; j < positions.length; j++) {
    if (bits[j] === 0) continue;
    kept[n] = positions[j]!;
    stored[n++] = values[j]!;
  }
  const varint = varintBytes(kept);
  const bitmap = Math.ceil(size / 8);
  const base = { name, shape: [...shape], dtype: 'float32' as const };
  if (4 * size <= 4 * count + Math.min(varint, bitmap)) {
    const dense = new Float32Array(size);
    for (let j = 0; j < count; j++) dense[kept[j]!] = stored[j]!;
    return { entry: { ...base, encoding: 'dense', count: size }, values: new Uint8Array(dense.buffer), indices: undefined };
  }
  const encoding: SparseWeightEncoding = varint <= bitmap ? 'delta-varint' : 'bitmap';
  return {
    entry: { ...base, encoding, count },
    values: new Uint8Array(stored.buffer),
    indices: encoding === 'bitmap' ? writeBitmap(kept, size) : writeVarints(kept, varint),
  };
}

/** Picks the smallest of dense, bitmap and delta varints for one weight given densely and writes it. */
function encodeWeight(name: string, shape: readonly number[], values: Float32Array): EncodedSparseWeight {
  return encodeSparseWeight(name, shape, denseIndex(values.length), values);
}

/** 0, 1, …, n − 1. */
function denseIndex(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** The masks of a trainer keyed by kernel name. */
function trainerMasks(trainer: SparseTrainer): Record<string, Uint8Array> {
  const masks = trainer.masks();
  const layers = trainer.summary().layers;
  return Object.fromEntries(layers.map((l, i) => [l.name, masks[i]!]));
}

/**
 * Saves a model compactly for inference: its tfjs topology and, per weight, the float32 values whose bit
 * pattern is not 0 (so −0 is kept and weights come back bit for bit) with their positions.
 *
 * Each weight gets whichever of three encodings is smallest, computed exactly: `dense` (all values, no
 * positions: biases and dense layers), a `bitmap` (one bit per position, ⌈n/8⌉ bytes, least significant bit
 * first) or `delta-varint` (each position minus the previous one minus one, as LEB128 varints: one byte per
 * nonzero while gaps stay under 128, i.e. about 1.0–1.1 bytes per nonzero at 90–98% sparsity against 1.25–6.25
 * for a bitmap and 2–4 for absolute uint16/uint32 indices). Varints win below density 1/8, the bitmap above it,
 * and dense storage above density ≈ 31/32. Masks, from a trainer or `options.masks`, are checked: an inactive
 * position must hold ±0 (a −0 there comes back as +0; everywhere else −0 is kept).
 *
 * @example
 * ```ts
 * const artifact = await exportSparseModel(trainer);
 * const bytes = encodeSparseModel(artifact);          // one file
 * const model = await loadSparseModel(decodeSparseModel(bytes));
 * model.predict(x);
 * ```
 * @throws Error naming the weight when a mask does not match it, or when a weight is not float32.
 */
export async function exportSparseModel(source: LayersModel | SparseTrainer, options: SparseExportOptions = {}): Promise<SparseModelArtifact> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new Error(`exportSparseModel: options must be an object { masks? } (got ${String(options)})`);
  const unknown = Object.keys(options).filter((k) => k !== 'masks');
  if (unknown.length > 0) throw new Error(`exportSparseModel: ${unknownKeysMessage(unknown, ['masks'])}`);
  const trainer = source instanceof SparseTrainer ? source : undefined;
  const model = trainer ? trainer.model : (source as LayersModel);
  if (typeof (model as { toJSON?: unknown } | null)?.toJSON !== 'function' || !Array.isArray((model as { weights?: unknown }).weights)) {
    throw new Error('exportSparseModel: source must be a tfjs-layers LayersModel or a SparseTrainer');
  }
  const masks: Record<string, Uint8Array> = { ...(trainer?.initialized ? trainerMasks(trainer) : {}), ...(options.masks ?? {}) };
  const weights = model.weights;
  const known = weights.flatMap((w) => [w.name, w.originalName]);
  const unmatched = Object.keys(masks).filter((k) => !known.includes(k));
  if (unmatched.length > 0) throw new Error(`exportSparseModel: masks name no weight of the model: ${unknownKeysMessage(unmatched, weights.map((w) => w.name))}`);

  const encoded: EncodedSparseWeight[] = [];
  for (const w of weights) {
    if (w.dtype !== 'float32') throw new Error(`exportSparseModel: weight ${w.name} is ${w.dtype}; only float32 weights can be exported`);
    const values = Float32Array.from((await w.read().data()) as Float32Array);
    const mask = masks[w.name] ?? masks[w.originalName];
    if (mask !== undefined) {
      if (!(mask instanceof Uint8Array) || mask.length !== values.length) {
        throw new Error(`exportSparseModel: mask of ${w.name} must be a Uint8Array of ${values.length} elements (the weight's size) (got ${mask instanceof Uint8Array ? `${mask.length} elements` : typeof mask})`);
      }
      for (let i = 0; i < values.length; i++) {
        if (mask[i] !== 0 && mask[i] !== 1) throw new Error(`exportSparseModel: mask of ${w.name} must hold 0 and 1 only (got ${mask[i]} at position ${i})`);
        if (mask[i] === 0) {
          if (values[i] !== 0) throw new Error(`exportSparseModel: weight ${w.name} holds ${values[i]} at position ${i}, which its mask marks inactive; inactive weights must be 0 (is the mask the model's?)`);
          values[i] = 0; // −0 (left by multiplying with a mask) is not worth storing where the mask says inactive
        }
      }
    }
    encoded.push(encodeWeight(w.originalName, w.read().shape, values));
  }
  return assembleSparseModel(model.toJSON(null, false) as Record<string, unknown>, encoded);
}

/**
 * A sparse model from a tfjs-layers topology (`model.toJSON(null, false)`, or one written to the same form) and its
 * weights encoded in `model.weights` order: every weight's values, then every weight's positions, in one buffer.
 */
export function assembleSparseModel(modelTopology: Record<string, unknown>, encoded: readonly EncodedSparseWeight[]): SparseModelArtifact {
  let offset = 0;
  const section = (bytes: Uint8Array): SparseModelSection => {
    const s = { offset, byteLength: bytes.byteLength };
    offset += bytes.byteLength;
    return s;
  };
  const valueSections = encoded.map((e) => section(e.values));
  const indexSections = encoded.map((e) => (e.indices ? section(e.indices) : undefined));
  const data = new Uint8Array(offset);
  encoded.forEach((e, i) => {
    data.set(e.values, valueSections[i]!.offset);
    if (e.indices) data.set(e.indices, indexSections[i]!.offset);
  });
  return {
    manifest: {
      format: 'topiary-sparse-model',
      version: 1,
      modelTopology,
      weights: encoded.map((e, i) => ({ ...e.entry, values: valueSections[i]!, ...(indexSections[i] ? { indices: indexSections[i] } : {}) })),
    },
    data,
  };
}

/** Throws an Error naming the manifest field, the value found and what is allowed. */
function fail(path: string, value: unknown, allowed: string): never {
  throw new Error(`sparse model${path ? ` ${path}` : ''} must be ${allowed} (got ${showValue(value)})`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function count(value: unknown, path: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(path, value, 'a non-negative integer');
  return value as number;
}

/** Checks every manifest field for type and range, and that the sections tile `data` in the order the writer uses. */
function checkArtifact(artifact: unknown): SparseModelArtifact {
  if (!isRecord(artifact)) fail('', artifact, 'an object { manifest, data }');
  const m = artifact['manifest'];
  if (!isRecord(m)) fail('manifest', m, 'an object');
  if (m['format'] !== 'topiary-sparse-model') fail('manifest.format', m['format'], "'topiary-sparse-model'");
  if (m['version'] !== 1) fail('manifest.version', m['version'], '1 (the version this reader knows)');
  if (!isRecord(m['modelTopology'])) fail('manifest.modelTopology', m['modelTopology'], 'a tfjs-layers topology object');
  const data: unknown = artifact['data'];
  if (!(data instanceof Uint8Array)) fail('data', data === null ? null : typeof data, 'a Uint8Array');
  const weights = m['weights'];
  if (!Array.isArray(weights)) fail('manifest.weights', weights, 'an array');
  const names = new Set<string>();
  const valueSections: SparseModelSection[] = [];
  const indexSections: (SparseModelSection | undefined)[] = [];
  weights.forEach((raw: unknown, i) => {
    const at = `manifest.weights[${i}]`;
    if (!isRecord(raw)) fail(at, raw, 'an object');
    const name = raw['name'];
    if (typeof name !== 'string') fail(`${at}.name`, name, 'a string');
    if (names.has(name)) fail(`${at}.name`, name, 'unique (it appears twice)');
    names.add(name);
    const shape = raw['shape'];
    if (!Array.isArray(shape)) fail(`${at}.shape`, shape, 'an array of non-negative integers');
    shape.forEach((d: unknown, j) => count(d, `${at}.shape[${j}]`));
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(size) || size > 0xffffffff) fail(`${at}.shape`, shape, 'a shape of at most 2^32 − 1 elements');
    if (raw['dtype'] !== 'float32') fail(`${at}.dtype`, raw['dtype'], "'float32'");
    const encoding = raw['encoding'];
    if (!ENCODINGS.includes(encoding as SparseWeightEncoding)) fail(`${at}.encoding`, encoding, `one of ${ENCODINGS.join(', ')}`);
    const n = count(raw['count'], `${at}.count`);
    if (encoding === 'dense' ? n !== size : n > size) fail(`${at}.count`, n, encoding === 'dense' ? `${size} (the size of shape ${showValue(shape)}) for a dense weight` : `at most ${size} (the size of shape ${showValue(shape)})`);
    const sectionOf = (value: unknown, path: string): SparseModelSection => {
      if (!isRecord(value)) fail(path, value, 'an object { offset, byteLength }');
      return { offset: count(value['offset'], `${path}.offset`), byteLength: count(value['byteLength'], `${path}.byteLength`) };
    };
    const values = sectionOf(raw['values'], `${at}.values`);
    if (values.byteLength !== 4 * n) fail(`${at}.values.byteLength`, values.byteLength, `${4 * n} (4 bytes for each of count = ${n} values)`);
    valueSections.push(values);
    if (encoding === 'dense') {
      if (raw['indices'] !== undefined) fail(`${at}.indices`, raw['indices'], 'absent for a dense weight');
      indexSections.push(undefined);
    } else {
      const indices = sectionOf(raw['indices'], `${at}.indices`);
      if (encoding === 'bitmap' && indices.byteLength !== Math.ceil(size / 8)) fail(`${at}.indices.byteLength`, indices.byteLength, `${Math.ceil(size / 8)} (one bit per position) for a bitmap`);
      if (encoding === 'delta-varint' && (indices.byteLength < n || indices.byteLength > 5 * n)) fail(`${at}.indices.byteLength`, indices.byteLength, `between ${n} and ${5 * n} (1 to 5 bytes per position) for delta varints`);
      indexSections.push(indices);
    }
  });
  let expected = 0;
  const place = (s: SparseModelSection, path: string): void => {
    if (s.offset !== expected) fail(`${path}.offset`, s.offset, `${expected} (sections follow each other: every weight's values, then every weight's positions)`);
    expected += s.byteLength;
  };
  valueSections.forEach((s, i) => place(s, `manifest.weights[${i}].values`));
  indexSections.forEach((s, i) => s && place(s, `manifest.weights[${i}].indices`));
  if (data.byteLength !== expected) {
    throw new Error(`sparse model data is ${data.byteLength < expected ? 'truncated' : 'longer than its manifest says'}: ${data.byteLength} bytes, the manifest's sections need ${expected}`);
  }
  return artifact as unknown as SparseModelArtifact;
}

/** Decodes one weight's positions, checking that they are strictly increasing, in range and as many as `count`. */
function readPositions(entry: SparseModelWeight, bytes: Uint8Array, size: number, at: string): Uint32Array {
  const positions = new Uint32Array(entry.count);
  if (entry.encoding === 'bitmap') {
    let j = 0;
    for (let p = 0; p < bytes.length * 8; p++) {
      if ((bytes[p >> 3]! >> (p & 7)) & 1) {
        if (p >= size) throw new Error(`sparse model ${at} bitmap sets bit ${p}, past the weight's ${size} positions`);
        if (j >= entry.count) throw new Error(`sparse model ${at} bitmap sets more than count = ${entry.count} bits`);
        positions[j++] = p;
      }
    }
    if (j !== entry.count) throw new Error(`sparse model ${at} bitmap sets ${j} bits but count says ${entry.count}`);
    return positions;
  }
  let at8 = 0;
  let previous = -1;
  for (let j = 0; j < entry.count; j++) {
    let gap = 0;
    let scale = 1;
    for (let k = 0; ; k++) {
      if (at8 >= bytes.length) throw new Error(`sparse model ${at} delta varints end after ${j} of count = ${entry.count} positions`);
      if (k === 5) throw new Error(`sparse model ${at} delta varint ${j} is longer than 5 bytes`);
      const b = bytes[at8++]!;
      gap += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) break;
    }
    const p = previous + 1 + gap;
    if (p >= size) throw new Error(`sparse model ${at} delta varint ${j} gives position ${p}, past the weight's ${size} positions`);
    positions[j] = p;
    previous = p;
  }
  if (at8 !== bytes.length) throw new Error(`sparse model ${at} delta varints hold ${bytes.length - at8} bytes after the last of count = ${entry.count} positions`);
  return positions;
}

/**
 * Rebuilds the dense tfjs model artifacts (topology, weight specs, float32 weight data with zeros at the
 * positions not stored) from a sparse model, for `tf.io` handlers or `tfl.loadLayersModel(tf.io.fromMemory(…))`.
 * @throws Error naming the field and value when the artifact is corrupt, truncated or of another version.
 */
export function sparseModelToArtifacts(artifact: SparseModelArtifact): tf.io.ModelArtifacts {
  const { manifest, data } = checkArtifact(artifact);
  const sizes = manifest.weights.map((w) => w.shape.reduce((a, b) => a * b, 1));
  const dense = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let base = 0;
  manifest.weights.forEach((w, i) => {
    const raw = data.slice(w.values.offset, w.values.offset + w.values.byteLength);
    const values = new Float32Array(raw.buffer, 0, w.count);
    if (w.encoding === 'dense') dense.set(values, base);
    else {
      const positions = readPositions(w, data.subarray(w.indices!.offset, w.indices!.offset + w.indices!.byteLength), sizes[i]!, `manifest.weights[${i}] (${w.name})`);
      const bits = new Uint32Array(raw.buffer, 0, w.count);
      for (let j = 0; j < positions.length; j++) {
        if (bits[j] === 0) throw new Error(`sparse model manifest.weights[${i}] (${w.name}) stores value ${j} as bit pattern 0, which a writer never stores`);
        dense[base + positions[j]!] = values[j]!;
      }
    }
    base += sizes[i]!;
  });
  return {
    modelTopology: manifest.modelTopology,
    format: 'layers-model',
    generatedBy: 'topiary-sparse-model v1',
    weightSpecs: manifest.weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' as const })),
    weightData: dense.buffer,
  };
}

/**
 * Loads a sparse model into a `tf.LayersModel` ready for inference; weights come back bit for bit.
 * Validates everything before building the model.
 * @throws Error naming the field and value when the artifact is corrupt, truncated or does not fit its topology.
 */
export async function loadSparseModel(artifact: SparseModelArtifact): Promise<LayersModel> {
  const artifacts = sparseModelToArtifacts(artifact);
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
  } catch (error) {
    throw new Error(`sparse model does not load into tfjs-layers (manifest.modelTopology or manifest.weights do not match): ${(error as Error).message}`);
  }
}

/** Packs a sparse model into one byte array: a 4-byte little-endian manifest length, the manifest JSON, the data. */
export function encodeSparseModel(artifact: SparseModelArtifact): Uint8Array {
  return packFramed(artifact.manifest, artifact.data);
}

/** Unpacks bytes written by {@link encodeSparseModel} (validated when loaded). */
export function decodeSparseModel(bytes: Uint8Array): SparseModelArtifact {
  return unpackFramed<SparseModelManifest>(bytes, 'sparse model');
}
