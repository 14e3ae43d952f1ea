import { importNodeBuiltin } from '@topiary/core';
import type { WasmBinaryName, WasmBinaryPaths } from './wasm-options.js';

/** The installed package whose `dist/` folder holds the `.wasm` binaries. */
export const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** The binary tfjs loads for the given feature support (the same rule as tfjs-backend-wasm's loader). */
export function chooseWasmBinary(simd: boolean, threads: boolean): WasmBinaryName {
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

/** Where a binary is loaded from, given a folder prefix or a per-binary map. */
export function binaryLocation(paths: string | WasmBinaryPaths, binary: WasmBinaryName): string {
  return typeof paths === 'string' ? `${paths}${binary}` : paths[binary];
}

/** Node only: the `dist/` folder (with a trailing separator) of the `@tensorflow/tfjs-backend-wasm` installed here. */
export async function installedWasmFolder(): Promise<string> {
  const { createRequire } = await importNodeBuiltin<typeof import('node:module')>('node:module');
  const { dirname, sep } = await importNodeBuiltin<typeof import('node:path')>('node:path');
  const entry = createRequire(import.meta.url).resolve(WASM_PACKAGE);
  return `${dirname(entry)}${sep}`;
}

/**
 * Node only: the local file a location names (a plain path or a `file:` URL), or `undefined` for a remote URL
 * that only the loader itself can check.
 */
export async function localFilePath(location: string): Promise<string | undefined> {
  if (location.startsWith('file:')) {
    const { fileURLToPath } = await importNodeBuiltin<typeof import('node:url')>('node:url');
    return fileURLToPath(location);
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || location.startsWith('data:') ? undefined : location;
}

/** Node only: whether a regular file exists at `path`. */
export async function isFile(path: string): Promise<boolean> {
  const { stat } = await importNodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
