import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../dataset-error.js';
import { encodeIdx, parseIdx, readIdxFile } from '../idx.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idx-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const images = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => (i * 7) % 256);

describe('encodeIdx / parseIdx', () => {
  it('round-trips dims and data with the MNIST header layout', () => {
    const bytes = encodeIdx([3, 4, 5], images);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0, 0x08, 3]);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 0, 3]);
    expect(bytes.length).toBe(4 + 12 + 60);
    const parsed = parseIdx(bytes, 'mem');
    expect(parsed.dims).toEqual([3, 4, 5]);
    expect(Array.from(parsed.data)).toEqual(Array.from(images));
  });

  it('accepts wildcard dimensions and refuses mismatching ones', () => {
    const bytes = encodeIdx([3, 4, 5], images);
    expect(parseIdx(bytes, 'mem', { dims: [undefined, 4, 5] }).dims).toEqual([3, 4, 5]);
    expect(() => parseIdx(bytes, 'mem', { dims: [undefined, 28, 28] })).toThrow(
      /mem: unexpected IDX dimensions \[3, 4, 5\], expected \[\*, 28, 28\]/,
    );
    expect(() => parseIdx(bytes, 'mem', { dims: [3, 20] })).toThrow(/expected \[3, 20\]/);
  });

  it('refuses a bad magic number, element type or dimension count', () => {
    const bytes = encodeIdx([3, 4, 5], images);
    const badMagic = bytes.slice();
    badMagic[0] = 0x1a;
    expect(() => parseIdx(badMagic, 'f')).toThrow(/f: not an IDX file: magic starts with 0x1a 0x00/);
    const floats = bytes.slice();
    floats[2] = 0x0d;
    expect(() => parseIdx(floats, 'f')).toThrow(/unsupported IDX element type 0x0d, expected 0x08/);
    const noDims = bytes.slice();
    noDims[3] = 0;
    expect(() => parseIdx(noDims, 'f')).toThrow(/0 dimensions/);
  });

  it('refuses truncated headers, truncated data and trailing bytes, saying what was expected', () => {
    const bytes = encodeIdx([3, 4, 5], images);
    expect(() => parseIdx(bytes.subarray(0, 3), 'f')).toThrow(/truncated IDX file: 3 bytes/);
    expect(() => parseIdx(bytes.subarray(0, 10), 'f')).toThrow(/truncated IDX header: 10 bytes, expected 16/);
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), 'f')).toThrow(
      /truncated IDX data: 59 bytes after the header, expected 60/,
    );
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(() => parseIdx(longer, 'f')).toThrow(/2 bytes past the 60/);
  });

  it('appends the hint to every error', () => {
    expect(() => parseIdx(new Uint8Array(2), 'f', { hint: 'Run apt-get install dataset-fashion-mnist.' })).toThrow(
      /apt-get install dataset-fashion-mnist/,
    );
  });
});

describe('readIdxFile', () => {
  it('reads raw and gzip files alike', async () => {
    const raw = encodeIdx([3, 4, 5], images);
    await writeFile(join(dir, 'a-idx3-ubyte'), raw);
    await writeFile(join(dir, 'a-idx3-ubyte.gz'), gzipSync(raw));
    const fromRaw = await readIdxFile(join(dir, 'a-idx3-ubyte'));
    const fromGz = await readIdxFile(join(dir, 'a-idx3-ubyte.gz'));
    expect(fromGz.dims).toEqual([3, 4, 5]);
    expect(Array.from(fromGz.data)).toEqual(Array.from(fromRaw.data));
  });

  it('names a missing file and says how to get it', async () => {
    const path = join(dir, 'missing-idx1-ubyte.gz');
    const error = await readIdxFile(path, { hint: 'Use --data DIR.' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).file).toBe(path);
    expect((error as Error).message).toBe(`${path}: file not found. Use --data DIR.`);
  });

  it('reports truncated gzip data', async () => {
    const gz = gzipSync(encodeIdx([3, 4, 5], images));
    const path = join(dir, 'cut.gz');
    await writeFile(path, gz.subarray(0, gz.length - 10));
    await expect(readIdxFile(path)).rejects.toThrow(/cut\.gz: corrupt or truncated gzip data/);
  });
});
