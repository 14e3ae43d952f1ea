/**
 * Builds the Fashion-MNIST subset shipped in data/fashion-mnist-subset: 500 training and 100 test images per
 * class, chosen by `stratifiedSubsetIndices` with a fixed seed from the official files, stored as gzip IDX.
 *
 * Usage: npx tsx scripts/make-subset.ts [--data DIR] [--out DIR]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { sha256Hex } from '../src/data/checksum.js';
import { IMAGE_SIZE } from '../src/data/fashion-mnist-files.js';
import { encodeIdx } from '../src/data/idx.js';
import { bundledSubsetDir, loadDataset, type ImageSet } from '../src/data/load-dataset.js';
import { gatherExamples, stratifiedSubsetIndices } from '../src/data/stratified-subset.js';

const SUBSET_SEED = 2017;
const TRAIN_PER_CLASS = 500;
const TEST_PER_CLASS = 100;

const { values } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } } });
const outDir = resolve(values.out ?? bundledSubsetDir());

const full = await loadDataset({ dataset: 'fashion-mnist', dir: values.data, download: false });
for (const file of full.info.files) {
  if (!file.verified) throw new Error(`${file.path} is not the official Fashion-MNIST file (sha256 ${file.sha256})`);
}
const trainIndices = stratifiedSubsetIndices(full.train.labels, TRAIN_PER_CLASS, SUBSET_SEED);
const testIndices = stratifiedSubsetIndices(full.test.labels, TEST_PER_CLASS, SUBSET_SEED + 1);
const train = gatherExamples(full.train, trainIndices);
const test = gatherExamples(full.test, testIndices);

await mkdir(outDir, { recursive: true });
const written: Record<string, string> = {};
async function writeSplit(set: ImageSet, imagesName: string, labelsName: string): Promise<void> {
  for (const [name, dims, data] of [
    [imagesName, [set.count, IMAGE_SIZE, IMAGE_SIZE], set.images],
    [labelsName, [set.count], set.labels],
  ] as const) {
    // mtime 0 in the gzip header: rebuilding gives byte-identical files.
    const bytes = gzipSync(encodeIdx(dims, data), { level: 9 });
    await writeFile(join(outDir, name), bytes);
    written[name] = sha256Hex(bytes);
  }
}
await writeSplit(train, 'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz');
await writeSplit(test, 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz');

const manifest = {
  name: 'fashion-mnist-subset',
  description: `Stratified subset of Fashion-MNIST: ${TRAIN_PER_CLASS} training and ${TEST_PER_CLASS} test images per class`,
  method:
    'stratifiedSubsetIndices(labels, perClass, seed): walk a seeded Fisher-Yates permutation (xoroshiro128+, @topiary/core Rng) ' +
    'and keep each example whose class quota is not yet full; indices kept in ascending (original file) order',
  seeds: { train: SUBSET_SEED, test: SUBSET_SEED + 1 },
  trainCount: train.count,
  testCount: test.count,
  source: Object.fromEntries(full.info.files.map((f) => [f.path.slice(f.path.lastIndexOf('/') + 1), f.sha256])),
  files: written,
  trainIndices: '@TRAIN@',
  testIndices: '@TEST@',
};
// Index lists on one line each, the rest indented.
const manifestText = JSON.stringify(manifest, null, 2)
  .replace('"@TRAIN@"', JSON.stringify(Array.from(trainIndices)))
  .replace('"@TEST@"', JSON.stringify(Array.from(testIndices)));
await writeFile(join(outDir, 'manifest.json'), `${manifestText}\n`);
console.log(`wrote ${train.count} training and ${test.count} test images to ${outDir}`);
