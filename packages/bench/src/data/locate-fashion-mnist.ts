import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DatasetError } from './dataset-error.js';
import { downloadFiles, type DownloadOptions } from './download.js';
import {
  FASHION_MNIST_FILES,
  FASHION_MNIST_HINT,
  FASHION_MNIST_MIRROR,
  type ChecksummedFileSpec,
  type DataFileRole,
  type DataFileSpec,
} from './fashion-mnist-files.js';

/** Where a data set's files were found (`plugin`: a plugin's data set, loaded by its own code). */
export type DataOrigin = 'option' | 'env' | 'system' | 'cache' | 'download' | 'bundled' | 'plugin';

/** The directory where Debian's `dataset-fashion-mnist` package installs the files. */
export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The environment variable naming a directory with the data (or with a `fashion-mnist/` subdirectory). */
export const DATA_DIR_ENV = 'TOPIARY_DATA_DIR';

/** Options for {@link locateFashionMnist}. */
export interface LocateOptions {
  /** A directory given explicitly (`--data DIR`); searched first, and an error if the files are not there. */
  readonly dir?: string;
  /** Environment to read TOPIARY_DATA_DIR, XDG_CACHE_HOME and HOME from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** System-wide install directory. @default '/usr/share/datasets/fashion-mnist' */
  readonly systemDir?: string;
  /** Per-user cache directory, also where downloads go. @default $XDG_CACHE_HOME/topiary/fashion-mnist or ~/.cache/topiary/fashion-mnist */
  readonly cacheDir?: string;
  /** Download into the cache directory when no local copy is found. @default true */
  readonly download?: boolean;
  /** Base URL of the download mirror (ending in '/'). @default FASHION_MNIST_MIRROR */
  readonly mirror?: string;
  /** The files to look for and their checksums. @default FASHION_MNIST_FILES */
  readonly files?: readonly ChecksummedFileSpec[];
  /** Timeout, abort signal and fetch implementation for the download. */
  readonly downloadOptions?: DownloadOptions;
}

/** The four files of a located data set. */
export interface LocatedFiles {
  /** How the directory was found. */
  readonly origin: DataOrigin;
  /** The directory holding the files (absolute). */
  readonly dir: string;
  /** Path of each file (gzip or raw, whichever exists). */
  readonly paths: Readonly<Record<DataFileRole, string>>;
}

/** The per-user cache directory for Fashion-MNIST: $XDG_CACHE_HOME/topiary/fashion-mnist or ~/.cache/topiary/fashion-mnist. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env['XDG_CACHE_HOME'] || join(env['HOME'] || homedir(), '.cache');
  return join(base, 'topiary', 'fashion-mnist');
}

/**
 * Looks for all `specs` in `dir`, each as its gzip or raw file name; returns their paths, or the names missing.
 */
export async function findDataFiles(
  dir: string,
  specs: readonly DataFileSpec[],
): Promise<{ paths: Record<DataFileRole, string> } | { missing: string[] }> {
  const paths: Partial<Record<DataFileRole, string>> = {};
  const missing: string[] = [];
  for (const spec of specs) {
    const gz = join(dir, spec.gzName);
    const raw = join(dir, spec.rawName);
    if (await isFile(gz)) paths[spec.role] = gz;
    else if (await isFile(raw)) paths[spec.role] = raw;
    else missing.push(spec.gzName);
  }
  if (missing.length > 0) return { missing };
  return { paths: paths as Record<DataFileRole, string> };
}

/**
 * Finds the Fashion-MNIST files, in this order: `dir`, $TOPIARY_DATA_DIR (itself or its `fashion-mnist/`),
 * /usr/share/datasets/fashion-mnist, the user cache directory, then a sha256-verified download into the cache.
 * An explicit `dir` or TOPIARY_DATA_DIR that lacks the files is an error rather than silently skipped.
 */
export async function locateFashionMnist(options: LocateOptions = {}): Promise<LocatedFiles> {
  const env = options.env ?? process.env;
  const specs = options.files ?? FASHION_MNIST_FILES;
  const tried: string[] = [];

  if (options.dir !== undefined) {
    const dir = resolve(options.dir);
    const found = await findDataFiles(dir, specs);
    if ('paths' in found) return { origin: 'option', dir, paths: found.paths };
    throw new DatasetError(dir, `the data directory lacks ${found.missing.join(', ')}`, FASHION_MNIST_HINT);
  }

  const envDir = env[DATA_DIR_ENV];
  if (envDir) {
    for (const dir of [resolve(envDir), resolve(envDir, 'fashion-mnist')]) {
      const found = await findDataFiles(dir, specs);
      if ('paths' in found) return { origin: 'env', dir, paths: found.paths };
    }
    throw new DatasetError(
      resolve(envDir),
      `${DATA_DIR_ENV} points here but neither it nor its fashion-mnist/ subdirectory holds ${specs.map((s) => s.gzName).join(', ')}`,
      FASHION_MNIST_HINT,
    );
  }

  const systemDir = options.systemDir ?? SYSTEM_FASHION_MNIST_DIR;
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  for (const [origin, dir] of [
    ['system', systemDir],
    ['cache', cacheDir],
  ] as const) {
    const found = await findDataFiles(dir, specs);
    if ('paths' in found) return { origin, dir: resolve(dir), paths: found.paths };
    tried.push(dir);
  }

  if (options.download === false) {
    throw new DatasetError(
      'Fashion-MNIST',
      `not found in ${tried.join(' or ')} and downloading is switched off`,
      FASHION_MNIST_HINT,
    );
  }
  const mirror = options.mirror ?? FASHION_MNIST_MIRROR;
  const dir = resolve(cacheDir);
  try {
    await downloadFiles(
      specs.map((spec) => ({ url: new URL(spec.gzName, mirror).href, path: join(dir, spec.gzName), sha256: spec.gzSha256 })),
      options.downloadOptions,
    );
  } catch (cause) {
    throw new DatasetError(
      'Fashion-MNIST',
      `not found in ${tried.join(' or ')}, and the download from ${mirror} failed: ${(cause as Error).message}`,
      FASHION_MNIST_HINT,
      { cause },
    );
  }
  const found = await findDataFiles(dir, specs);
  if ('missing' in found) {
    throw new DatasetError(dir, `downloaded files disappeared: ${found.missing.join(', ')}`, FASHION_MNIST_HINT);
  }
  return { origin: 'download', dir, paths: found.paths };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
