import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from './dataset-error.js';

/** The only IDX element type Topiary reads: unsigned bytes (0x08), as in MNIST and Fashion-MNIST. */
export const IDX_UNSIGNED_BYTE = 0x08;

/** A parsed IDX file: its dimensions and its bytes in row-major order. */
export interface IdxArray {
  /** Size of every dimension, outermost first (e.g. [60000, 28, 28]). */
  readonly dims: readonly number[];
  /** The elements, row-major; length is the product of `dims`. */
  readonly data: Uint8Array;
}

/** What the caller expects to find in an IDX file; any mismatch is an error. */
export interface IdxExpectation {
  /** Expected dimensions; `undefined` entries accept any size (e.g. [undefined, 28, 28]). */
  readonly dims?: readonly (number | undefined)[];
}

/** Options for {@link readIdxFile}. */
export interface ReadIdxOptions extends IdxExpectation {
  /** Appended to every error message: how to obtain a good copy of the file. @default a generic re-download hint */
  readonly hint?: string;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;
const DEFAULT_HINT = 'Replace it with an intact copy of the original file.';

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/**
 * Parses IDX bytes (LeCun's MNIST format): a 4-byte magic `00 00 <dtype> <ndims>`, `ndims` big-endian uint32 sizes,
 * then the elements. Only unsigned-byte data (dtype 0x08) is accepted. `source` names the file in errors.
 */
export function parseIdx(bytes: Uint8Array, source: string, options: ReadIdxOptions = {}): IdxArray {
  const hint = options.hint ?? DEFAULT_HINT;
  if (bytes.length < 4) {
    throw new DatasetError(source, `truncated IDX file: ${bytes.length} bytes, expected at least a 4-byte header`, hint);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(
      source,
      `not an IDX file: magic starts with ${hex(bytes[0]!)} ${hex(bytes[1]!)}, expected 0x00 0x00`,
      hint,
    );
  }
  const dtype = bytes[2]!;
  if (dtype !== IDX_UNSIGNED_BYTE) {
    throw new DatasetError(source, `unsupported IDX element type ${hex(dtype)}, expected 0x08 (unsigned byte)`, hint);
  }
  const ndims = bytes[3]!;
  if (ndims === 0) {
    throw new DatasetError(source, 'IDX header declares 0 dimensions, expected at least 1', hint);
  }
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new DatasetError(
      source,
      `truncated IDX header: ${bytes.length} bytes, expected ${headerLength} for ${ndims} dimensions`,
      hint,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (options.dims !== undefined) {
    const expected = options.dims;
    const matches = expected.length === dims.length && expected.every((d, i) => d === undefined || d === dims[i]);
    if (!matches) {
      throw new DatasetError(
        source,
        `unexpected IDX dimensions [${dims.join(', ')}], expected [${expected.map((d) => d ?? '*').join(', ')}]`,
        hint,
      );
    }
  }
  const count = dims.reduce((a, b) => a * b, 1);
  const payload = bytes.length - headerLength;
  if (payload < count) {
    throw new DatasetError(
      source,
      `truncated IDX data: ${payload} bytes after the header, expected ${count} for dimensions [${dims.join(', ')}]`,
      hint,
    );
  }
  if (payload > count) {
    throw new DatasetError(
      source,
      `corrupt IDX file: ${payload - count} bytes past the ${count} the header declares`,
      hint,
    );
  }
  return { dims, data: bytes.subarray(headerLength, headerLength + count) };
}

/** Reads and parses an IDX file, gzip-compressed (detected by its magic number) or raw. */
export async function readIdxFile(path: string, options: ReadIdxOptions = {}): Promise<IdxArray> {
  const hint = options.hint ?? DEFAULT_HINT;
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(cause)})`;
    throw new DatasetError(path, problem, hint, { cause });
  }
  return parseIdx(decompressIfGzip(raw, path, hint), path, options);
}

/** Returns `raw` itself, or its gunzipped content when it starts with the gzip magic number. */
export function decompressIfGzip(raw: Uint8Array, source: string, hint = DEFAULT_HINT): Uint8Array {
  if (!isGzip(raw)) return raw;
  try {
    return gunzipSync(raw);
  } catch (cause) {
    throw new DatasetError(
      source,
      `corrupt or truncated gzip data (${(cause as Error).message})`,
      hint,
      { cause },
    );
  }
}

/** Encodes unsigned bytes as an IDX file (dtype 0x08): the inverse of {@link parseIdx}. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (dims.length === 0 || dims.length > 255 || !dims.every((d) => Number.isInteger(d) && d >= 0 && d <= 0xffffffff)) {
    throw new RangeError(`dims must be 1 to 255 non-negative 32-bit integers, got ${JSON.stringify(dims)}`);
  }
  if (data.length !== count) {
    throw new RangeError(`data.length must equal the product of dims (${count}), got ${data.length}`);
  }
  const out = new Uint8Array(4 + 4 * dims.length + count);
  const view = new DataView(out.buffer);
  out[2] = IDX_UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}
