// The one-file layout of checkpoints and sparse models: a 4-byte little-endian manifest length, the manifest
// JSON, then the binary data.

/** Packs a manifest and its data into one byte array. */
export function packFramed(manifest: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(manifest));
  const out = new Uint8Array(4 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  out.set(data, 4 + json.byteLength);
  return out;
}

/** Unpacks bytes written by {@link packFramed}; errors name `what` ("checkpoint", "sparse model") and what is wrong. */
export function unpackFramed<M>(bytes: Uint8Array, what: string): { manifest: M; data: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) throw new Error(`${what} bytes must be a Uint8Array (got ${bytes === null ? 'null' : typeof bytes})`);
  if (bytes.byteLength < 4) throw new Error(`${what} bytes are truncated: ${bytes.byteLength} bytes`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + length > bytes.byteLength) throw new Error(`${what} bytes are truncated: manifest of ${length} bytes announced, ${bytes.byteLength - 4} present`);
  let manifest: M;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as M;
  } catch (error) {
    throw new Error(`${what} manifest is not valid JSON: ${(error as Error).message}`);
  }
  return { manifest, data: bytes.slice(4 + length) };
}
