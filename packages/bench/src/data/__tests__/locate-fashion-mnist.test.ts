import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_FILES } from '../fashion-mnist-files.js';
import { defaultCacheDir, findDataFiles, locateFashionMnist } from '../locate-fashion-mnist.js';

let root: string;
const dirs: Record<string, string> = {};

async function fill(dir: string, raw = false): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of FASHION_MNIST_FILES) await writeFile(join(dir, raw ? f.rawName : f.gzName), 'x');
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'locate-test-'));
  for (const name of ['option', 'env', 'system', 'cache', 'empty']) dirs[name] = join(root, name);
  await fill(dirs['option']!);
  await fill(join(dirs['env']!, 'fashion-mnist'), true);
  await fill(dirs['system']!);
  await fill(dirs['cache']!);
  await mkdir(dirs['empty']!, { recursive: true });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('locateFashionMnist', () => {
  const base = () => ({ systemDir: dirs['system']!, cacheDir: dirs['cache']!, download: false });

  it('prefers the explicit directory, then TOPIARY_DATA_DIR, then the system, then the cache', async () => {
    const env = { TOPIARY_DATA_DIR: dirs['env']! };
    expect((await locateFashionMnist({ ...base(), env, dir: dirs['option']! })).origin).toBe('option');
    const fromEnv = await locateFashionMnist({ ...base(), env });
    expect(fromEnv.origin).toBe('env');
    expect(fromEnv.dir).toBe(join(dirs['env']!, 'fashion-mnist'));
    expect(fromEnv.paths.testLabels).toBe(join(dirs['env']!, 'fashion-mnist', 't10k-labels-idx1-ubyte'));
    expect((await locateFashionMnist({ ...base(), env: {} })).origin).toBe('system');
    expect((await locateFashionMnist({ ...base(), env: {}, systemDir: dirs['empty']! })).origin).toBe('cache');
  });

  it('treats an explicit directory without the files as an error naming it and the missing files', async () => {
    await expect(locateFashionMnist({ ...base(), env: {}, dir: dirs['empty']! })).rejects.toThrow(
      new RegExp(`${dirs['empty']}: the data directory lacks train-images-idx3-ubyte.gz, .*--data DIR`),
    );
    await expect(locateFashionMnist({ ...base(), env: { TOPIARY_DATA_DIR: dirs['empty']! } })).rejects.toThrow(
      /TOPIARY_DATA_DIR points here/,
    );
  });

  it('with downloads off, lists where it looked and how to install the data', async () => {
    const error = await locateFashionMnist({ env: {}, systemDir: dirs['empty']!, cacheDir: join(root, 'nope'), download: false }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`not found in ${dirs['empty']} or ${join(root, 'nope')}`);
    expect((error as Error).message).toContain('apt-get install dataset-fashion-mnist');
  });

  it('finds gzip before raw files and reports what is missing', async () => {
    const found = await findDataFiles(dirs['empty']!, FASHION_MNIST_FILES);
    expect(found).toEqual({ missing: FASHION_MNIST_FILES.map((f) => f.gzName) });
  });
});

describe('defaultCacheDir', () => {
  it('uses XDG_CACHE_HOME, else HOME/.cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/topiary/fashion-mnist');
    expect(defaultCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/topiary/fashion-mnist');
  });
});
