import { unzipSync } from 'fflate';
import { DatasetError } from './dataset-error.js';

/** A parsed NumPy array: its shape, its dtype descriptor and its values (bytes for uint8, else float32). */
export interface NpyArray {
  /** Size of every dimension, outermost first. */
  readonly shape: readonly number[];
  /** NumPy dtype descriptor as stored, e.g. `<f4`, `|u1`, `<i8`. */
  readonly descr: string;
  /** The values, row-major: a copy as bytes for `u1`, as float32 for every other dtype. */
  readonly data: Uint8Array | Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const NPY_HINT = 'Save it with numpy.save(path, array) (C order, a numeric dtype).';

/** Element readers by dtype kind and size (`f4`, `i8`, …). */
const READERS: Record<string, (view: DataView, offset: number, little: boolean) => number> = {
  u1: (v, o) => v.getUint8(o),
  i1: (v, o) => v.getInt8(o),
  b1: (v, o) => v.getUint8(o),
  u2: (v, o, l) => v.getUint16(o, l),
  i2: (v, o, l) => v.getInt16(o, l),
  u4: (v, o, l) => v.getUint32(o, l),
  i4: (v, o, l) => v.getInt32(o, l),
  u8: (v, o, l) => Number(v.getBigUint64(o, l)),
  i8: (v, o, l) => Number(v.getBigInt64(o, l)),
  f4: (v, o, l) => v.getFloat32(o, l),
  f8: (v, o, l) => v.getFloat64(o, l),
};

/**
 * Parses a `.npy` file (NumPy format 1.0-3.0): the magic `\x93NUMPY`, a version, a header dict with `descr`,
 * `fortran_order` and `shape`, then the data. Accepts C-order arrays of bool, (u)int8-64 and float32/64 in either
 * byte order. `source` names the file in errors.
 */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new DatasetError(source, 'not a .npy file: it does not start with the magic \\x93NUMPY', NPY_HINT);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new DatasetError(source, `unsupported .npy version ${major}, expected 1, 2 or 3`, NPY_HINT);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart + headerLength) {
    throw new DatasetError(source, `truncated .npy header: ${bytes.length} bytes, expected at least ${headerStart + headerLength}`, NPY_HINT);
  }
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DatasetError(source, `corrupt .npy header ${JSON.stringify(header.trim())}: expected 'descr', 'fortran_order' and 'shape'`, NPY_HINT);
  }
  if (fortran === 'True') {
    throw new DatasetError(source, 'the array is stored in Fortran order, expected C order', 'Save numpy.ascontiguousarray(array) instead.');
  }
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(Number);
  const kind = descr.slice(1);
  const read = READERS[kind];
  if (read === undefined) {
    throw new DatasetError(
      source,
      `unsupported dtype '${descr}', expected bool, (u)int8-64 or float32/64`,
      'Convert it with array.astype(numpy.float32) (features) or array.astype(numpy.int64) (labels).',
    );
  }
  const little = descr[0] !== '>';
  const itemSize = Number(kind.slice(1));
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLength;
  const payload = bytes.length - start;
  if (payload !== count * itemSize) {
    throw new DatasetError(
      source,
      `${payload < count * itemSize ? 'truncated' : 'corrupt'} .npy data: ${payload} bytes after the header, expected ${count * itemSize} for shape [${shape.join(', ')}] of '${descr}'`,
      NPY_HINT,
    );
  }
  if (kind === 'u1' || kind === 'b1') return { shape, descr, data: bytes.slice(start, start + count) };
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = read(view, start + i * itemSize, little);
  return { shape, descr, data };
}

/** Parses a `.npz` archive (a zip of `.npy` files, stored or deflated) into its arrays by name, without the `.npy` suffix. */
export function parseNpz(bytes: Uint8Array, source: string): Map<string, NpyArray> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (cause) {
    throw new DatasetError(source, `not a readable .npz (zip) archive (${(cause as Error).message})`, 'Save it with numpy.savez or numpy.savez_compressed.', { cause });
  }
  const arrays = new Map<string, NpyArray>();
  for (const [name, content] of Object.entries(entries)) {
    if (!name.endsWith('.npy')) continue;
    arrays.set(name.slice(0, -4), parseNpy(content, `${source}:${name}`));
  }
  return arrays;
}

/** Encodes a C-order array as `.npy` bytes (format 1.0): `|u1` for bytes, `<f4` for float32, `<i4` for int32. */
export function encodeNpy(shape: readonly number[], data: Uint8Array | Float32Array | Int32Array): Uint8Array {
  const descr = data instanceof Uint8Array ? '|u1' : data instanceof Float32Array ? '<f4' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
