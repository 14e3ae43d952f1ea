import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv.js';
import { encodeIdx } from '../idx.js';
import { loadDataset } from '../load-dataset.js';
import { encodeNpy, parseNpy } from '../npy.js';
import { prepareData } from '../prepare-data.js';

const dir = mkdtempSync(join(tmpdir(), 'topiary-user-data-'));

function folder(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** n examples of 4×4 bytes, labels i mod 3. */
function images(n: number): { x: Uint8Array; y: Uint8Array } {
  const x = new Uint8Array(n * 16).map((_, i) => (i * 7) % 256);
  const y = new Uint8Array(n).map((_, i) => i % 3);
  return { x, y };
}

function writeIdxFolder(name: string, trainCount = 6, testCount = 3): string {
  const path = folder(name);
  const train = images(trainCount);
  const test = images(testCount);
  writeFileSync(join(path, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([trainCount, 4, 4], train.x)));
  writeFileSync(join(path, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([trainCount], train.y)));
  writeFileSync(join(path, 't10k-images-idx3-ubyte'), encodeIdx([testCount, 4, 4], test.x));
  writeFileSync(join(path, 't10k-labels-idx1-ubyte'), encodeIdx([testCount], test.y));
  return path;
}

describe('IDX folders (MNIST, KMNIST, EMNIST)', () => {
  it('reads gz and raw files of any image size and counts the classes', async () => {
    const data = await loadDataset({ dataset: 'idx', dir: writeIdxFolder('idx') });
    expect(data.info).toMatchObject({ name: 'idx', trainCount: 6, testCount: 3, featureShape: [4, 4], numClasses: 3 });
    expect(data.info.files).toHaveLength(4);
    expect(data.train).toMatchObject({ count: 6, featureSize: 16, numClasses: 3 });
    expect(data.train.images).toBeInstanceOf(Uint8Array);
  });

  it('names the folder and the missing file', async () => {
    const path = folder('idx-missing');
    await expect(loadDataset({ dataset: 'idx', dir: path })).rejects.toThrow(`${path}: the folder lacks train-images-idx3-ubyte.gz`);
  });

  it('refuses labels that do not match the images', async () => {
    const path = writeIdxFolder('idx-count');
    writeFileSync(join(path, 't10k-labels-idx1-ubyte'), encodeIdx([2], new Uint8Array([0, 1])));
    await expect(loadDataset({ dataset: 'idx', dir: path })).rejects.toThrow(/t10k-labels-idx1-ubyte: holds labels of shape \[2\], expected \[3\]/);
  });
});

describe('.npy and .npz arrays', () => {
  it('parses every dtype and byte order numpy writes', () => {
    const f4 = parseNpy(encodeNpy([2, 2], Float32Array.of(1.5, -2, 3, 4)), 'a.npy');
    expect(f4).toMatchObject({ shape: [2, 2], descr: '<f4' });
    expect([...f4.data]).toEqual([1.5, -2, 3, 4]);
    // a hand-written big-endian float64 and an int64 header
    const header = (descr: string, shape: string): Uint8Array => {
      const text = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`.padEnd(118) + '\n';
      const out = new Uint8Array(10 + text.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      new DataView(out.buffer).setUint16(8, text.length, true);
      out.set(new TextEncoder().encode(text), 10);
      return out;
    };
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, 0.25, false);
    new DataView(be.buffer).setFloat64(8, -8, false);
    expect([...parseNpy(new Uint8Array([...header('>f8', '(2,)'), ...be]), 'b.npy').data]).toEqual([0.25, -8]);
    const i8 = new Uint8Array(16);
    new DataView(i8.buffer).setBigInt64(8, 7n, true);
    expect([...parseNpy(new Uint8Array([...header('<i8', '(2,)'), ...i8]), 'c.npy').data]).toEqual([0, 7]);
    expect(() => parseNpy(header('<f4', '(1,)').slice(0, 40), 'd.npy')).toThrow('d.npy: truncated .npy header: 40 bytes, expected at least 129');
    const fortran = header('<f4', '(1,)');
    fortran.set(new TextEncoder().encode("{'descr': '<f4', 'fortran_order': True, "), 10);
    expect(() => parseNpy(fortran, 'e.npy')).toThrow(/e.npy: .*Fortran order.*ascontiguousarray/);
    expect(() => parseNpy(new Uint8Array([...header('<c8', '(1,)'), 0, 0, 0, 0, 0, 0, 0, 0]), 'f.npy')).toThrow(/f.npy: unsupported dtype '<c8'.*astype/);
  });

  it('loads a folder of x_train, y_train, x_test, y_test .npy files', async () => {
    const path = folder('npy');
    writeFileSync(join(path, 'x_train.npy'), encodeNpy([4, 3], new Float32Array(12).map((_, i) => i / 10)));
    writeFileSync(join(path, 'y_train.npy'), encodeNpy([4], Int32Array.of(0, 1, 1, 0)));
    writeFileSync(join(path, 'x_test.npy'), encodeNpy([2, 3], new Float32Array(6)));
    writeFileSync(join(path, 'y_test.npy'), encodeNpy([2], Int32Array.of(1, 0)));
    const data = await loadDataset({ dataset: 'npy', dir: path });
    expect(data.info).toMatchObject({ featureShape: [3], numClasses: 2, trainCount: 4 });
    expect(data.train.images).toBeInstanceOf(Float32Array);
    expect(data.train.images[5]).toBeCloseTo(0.5);
  });

  it('refuses one-hot labels, naming the file and the fix', async () => {
    const path = folder('npy-onehot');
    writeFileSync(join(path, 'x_train.npy'), encodeNpy([2, 3], new Float32Array(6)));
    writeFileSync(join(path, 'y_train.npy'), encodeNpy([2, 2], Float32Array.of(1, 0, 0, 1)));
    writeFileSync(join(path, 'x_test.npy'), encodeNpy([1, 3], new Float32Array(3)));
    writeFileSync(join(path, 'y_test.npy'), encodeNpy([1], Int32Array.of(1)));
    await expect(loadDataset({ dataset: 'npy', dir: path })).rejects.toThrow(
      `${join(path, 'y_train.npy')}: holds labels of shape [2, 2], expected [2] (one class index per example of ${join(path, 'x_train.npy')}). The labels look one-hot`,
    );
  });

  it('loads an .npz archive (as Keras\'s mnist.npz) and names missing arrays', async () => {
    const train = images(6);
    const test = images(3);
    const path = join(dir, 'mnist.npz');
    writeFileSync(
      path,
      zipSync({
        'x_train.npy': encodeNpy([6, 4, 4], train.x),
        'y_train.npy': encodeNpy([6], train.y),
        'x_test.npy': encodeNpy([3, 4, 4], test.x),
        'y_test.npy': encodeNpy([3], test.y),
      }),
    );
    const data = await loadDataset({ dataset: 'npz', path });
    expect(data.info).toMatchObject({ name: 'npz', featureShape: [4, 4], numClasses: 3, trainCount: 6, testCount: 3 });
    expect(data.train.images).toBeInstanceOf(Uint8Array);
    const partial = join(dir, 'partial.npz');
    writeFileSync(partial, zipSync({ 'x_train.npy': encodeNpy([6, 4, 4], train.x) }));
    await expect(loadDataset({ dataset: 'npz', path: partial })).rejects.toThrow(`${partial}: the archive lacks y_train, x_test, y_test (it holds x_train)`);
  });
});

describe('CSV files', () => {
  it('reads a header, finds the label column by name and standardises float features', async () => {
    const train = join(dir, 'train.csv');
    const test = join(dir, 'test.csv');
    writeFileSync(train, 'a,b,label\n0,1,0\n2,3,1\n4,5,2\n6,7,1\n');
    writeFileSync(test, 'a,b,label\r\n1,1,2\r\n');
    const data = await loadDataset({ dataset: 'csv', train, test });
    expect(data.info).toMatchObject({ featureShape: [2], numClasses: 3, trainCount: 4, testCount: 1 });
    expect([...data.train.labels]).toEqual([0, 1, 2, 1]);
    const prepared = prepareData(data, { normalize: 'standardize' });
    expect(prepared.info.pixelMean).toBeCloseTo(3.5);
    expect(parseCsv('5,0.5,1\n', 'x.csv', 0).labels[0]).toBe(5);
  });

  it('names the file, line, column and value of a bad cell, and a missing label column', () => {
    expect(() => parseCsv('a,label\n1,0\nx,1\n', 'bad.csv')).toThrow('bad.csv: line 3, column 1: "x" is not a finite number');
    expect(() => parseCsv('a,b\n1,0\n', 'named.csv', 'class')).toThrow('named.csv: has no column named "class" (columns: a, b). Set data.labelColumn');
    expect(() => parseCsv('1,0\n1\n', 'short.csv')).toThrow('short.csv: line 2 has 1 columns, expected 2');
  });

  it('refuses non-integer labels with the row and the value', async () => {
    const train = join(dir, 'float-labels.csv');
    writeFileSync(train, 'label,a\n0,1\n1.5,2\n');
    await expect(loadDataset({ dataset: 'csv', train, test: train })).rejects.toThrow(`${train}: label 1 is 1.5, expected an integer class index in [0, 256)`);
  });
});

describe('data-set modules', () => {
  it('calls the loader with its options', async () => {
    const path = join(dir, 'my-data.mjs');
    writeFileSync(
      path,
      `export async function load(options) {
        const n = options.n;
        const x = { data: Float32Array.from({ length: n * 2 }, (_, i) => i), shape: [n, 2] };
        const y = { data: Array.from({ length: n }, (_, i) => i % 2), shape: [n] };
        return { train: { x, y }, test: { x, y } };
      }`,
    );
    const data = await loadDataset({ dataset: 'module', path, export: 'load', options: { n: 5 } });
    expect(data.info).toMatchObject({ name: 'module', featureShape: [2], numClasses: 2, trainCount: 5 });
  });

  it('names the module, the export and what it exports when the export is missing or returns nothing', async () => {
    const path = join(dir, 'empty-data.mjs');
    writeFileSync(path, 'export const other = 1; export default () => ({ train: {} });');
    await expect(loadDataset({ dataset: 'module', path, export: 'load' })).rejects.toThrow(`${path}: export 'load' is missing, expected a loader`);
    await expect(loadDataset({ dataset: 'module', path })).rejects.toThrow(`${path}: the loader 'default' returned no train.x as { data, shape }`);
    await expect(loadDataset({ dataset: 'module', path: join(dir, 'nope.mjs') })).rejects.toThrow(/nope\.mjs: module not found/);
  });
});
