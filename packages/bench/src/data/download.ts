import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256Hex } from './checksum.js';
import { DatasetError } from './dataset-error.js';

/** Options for {@link downloadVerified} and {@link downloadFiles}. */
export interface DownloadOptions {
  /** Give up on a file after this many milliseconds. @default 120000 */
  readonly timeoutMs?: number;
  /** Cancels the download. */
  readonly signal?: AbortSignal;
  /** The fetch implementation. @default globalThis.fetch */
  readonly fetch?: typeof globalThis.fetch;
}

/** One file to download: where from, where to, and its expected sha256. */
export interface DownloadItem {
  /** Absolute URL of the file. */
  readonly url: string;
  /** Destination path; written only after the checksum matches. */
  readonly path: string;
  /** Expected lowercase hex sha256 of the downloaded bytes. */
  readonly sha256: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Downloads one file, checks its sha256 and only then moves it into place (via a temporary file in the same
 * directory), so a failed or tampered download never leaves a file behind.
 */
export async function downloadVerified(item: DownloadItem, options: DownloadOptions = {}): Promise<void> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const hint = 'Check the network connection, or install the data locally and pass its directory with `--data DIR`.';
  let bytes: Uint8Array;
  try {
    const response = await fetchImpl(item.url, { signal });
    if (!response.ok) {
      throw new DatasetError(item.url, `download failed with HTTP ${response.status} ${response.statusText}`, hint);
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (cause) {
    if (cause instanceof DatasetError) throw cause;
    throw new DatasetError(item.url, `download failed (${(cause as Error).message})`, hint, { cause });
  }
  const actual = sha256Hex(bytes);
  if (actual !== item.sha256) {
    throw new DatasetError(
      item.url,
      `checksum mismatch: sha256 ${actual}, expected ${item.sha256}; the file was not saved`,
      'The mirror may be serving a different or damaged file; download it by hand and pass its directory with `--data DIR`.',
    );
  }
  await mkdir(dirname(item.path), { recursive: true });
  const temporary = join(dirname(item.path), `.${process.pid}-${Date.now()}.partial`);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, item.path);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw cause;
  }
}

/**
 * Downloads several files one after the other; if any fails, removes the ones this call already saved, so a
 * directory is never left half-filled.
 */
export async function downloadFiles(items: readonly DownloadItem[], options: DownloadOptions = {}): Promise<void> {
  const saved: string[] = [];
  try {
    for (const item of items) {
      await downloadVerified(item, options);
      saved.push(item.path);
    }
  } catch (error) {
    await Promise.all(saved.map((path) => rm(path, { force: true })));
    throw error;
  }
}
