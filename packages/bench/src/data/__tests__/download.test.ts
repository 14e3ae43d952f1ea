import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../checksum.js';
import { downloadFiles, downloadVerified } from '../download.js';
import type { ChecksummedFileSpec } from '../fashion-mnist-files.js';
import { encodeIdx } from '../idx.js';
import { locateFashionMnist } from '../locate-fashion-mnist.js';

/** Small generated files in MNIST layout, served by a local HTTP server. */
const served = new Map<string, Uint8Array>();
let server: Server;
let baseUrl: string;
let dir: string;
const requests: string[] = [];

function fakeFiles(): ChecksummedFileSpec[] {
  const specs = [
    ['trainImages', 'train-images-idx3-ubyte', [4, 28, 28]],
    ['trainLabels', 'train-labels-idx1-ubyte', [4]],
    ['testImages', 't10k-images-idx3-ubyte', [2, 28, 28]],
    ['testLabels', 't10k-labels-idx1-ubyte', [2]],
  ] as const;
  return specs.map(([role, rawName, dims]) => {
    const count = dims.reduce<number>((a, b) => a * b, 1);
    const raw = encodeIdx(dims, Uint8Array.from({ length: count }, (_, i) => i % 10));
    const gz = gzipSync(raw);
    served.set(`/${rawName}.gz`, gz);
    return { role, rawName, gzName: `${rawName}.gz`, dims, gzSha256: sha256Hex(gz), rawSha256: sha256Hex(raw) };
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'download-test-'));
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = served.get(req.url ?? '');
    if (body === undefined) {
      res.writeHead(404, 'Not Found').end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('downloadVerified', () => {
  it('saves a file whose sha256 matches', async () => {
    const specs = fakeFiles();
    const spec = specs[1]!;
    const path = join(dir, 'ok', spec.gzName);
    await downloadVerified({ url: `${baseUrl}${spec.gzName}`, path, sha256: spec.gzSha256 });
    expect(sha256Hex(await readFile(path))).toBe(spec.gzSha256);
  });

  it('refuses a checksum mismatch, names the URL and both checksums, and writes nothing', async () => {
    const spec = fakeFiles()[0]!;
    const target = join(dir, 'mismatch');
    const url = `${baseUrl}${spec.gzName}`;
    const wrong = '0'.repeat(64);
    const error = await downloadVerified({ url, path: join(target, spec.gzName), sha256: wrong }).catch((e: unknown) => e);
    expect((error as Error).message).toContain(url);
    expect((error as Error).message).toContain(`sha256 ${spec.gzSha256}, expected ${wrong}`);
    expect(existsSync(target) ? await readdir(target) : []).toEqual([]);
  });

  it('reports HTTP errors with the status', async () => {
    await expect(
      downloadVerified({ url: `${baseUrl}nothing-here.gz`, path: join(dir, 'x', 'n.gz'), sha256: '0'.repeat(64) }),
    ).rejects.toThrow(/nothing-here\.gz: download failed with HTTP 404/);
  });

  it('removes the files already saved when a later one fails', async () => {
    const specs = fakeFiles();
    const target = join(dir, 'rollback');
    const items = specs.map((s) => ({ url: `${baseUrl}${s.gzName}`, path: join(target, s.gzName), sha256: s.gzSha256 }));
    items[3] = { ...items[3]!, sha256: 'f'.repeat(64) };
    await expect(downloadFiles(items)).rejects.toThrow(/checksum mismatch/);
    expect(await readdir(target)).toEqual([]);
  });
});

describe('locateFashionMnist download fallback', () => {
  it('downloads into the cache directory when no local copy exists, then finds it there', async () => {
    const files = fakeFiles();
    const cacheDir = join(dir, 'cache');
    const options = {
      env: {},
      systemDir: join(dir, 'no-system'),
      cacheDir,
      mirror: baseUrl,
      files,
    };
    requests.length = 0;
    const downloaded = await locateFashionMnist(options);
    expect(downloaded.origin).toBe('download');
    expect(downloaded.paths.trainImages).toBe(join(cacheDir, 'train-images-idx3-ubyte.gz'));
    expect(requests.sort()).toEqual(files.map((f) => `/${f.gzName}`).sort());
    const again = await locateFashionMnist(options);
    expect(again.origin).toBe('cache');
  });

  it('says what was tried and how to get the data when the download fails', async () => {
    const files = fakeFiles().map((f) => ({ ...f, gzSha256: 'a'.repeat(64) }));
    const error = await locateFashionMnist({
      env: {},
      systemDir: join(dir, 'no-system'),
      cacheDir: join(dir, 'cache-bad'),
      mirror: baseUrl,
      files,
    }).catch((e: unknown) => e);
    const message = (error as Error).message;
    expect(message).toContain(join(dir, 'no-system'));
    expect(message).toContain('checksum mismatch');
    expect(message).toContain('apt-get install dataset-fashion-mnist');
    expect(message).toContain('--data DIR');
    expect(existsSync(join(dir, 'cache-bad')) ? await readdir(join(dir, 'cache-bad')) : []).toEqual([]);
  });
});
