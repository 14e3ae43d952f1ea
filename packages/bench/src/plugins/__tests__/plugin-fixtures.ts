// Plugin modules written for tests into temporary folders. They import zod and the bench's sources by file URL,
// so that they share the test's copies (a plugin's zod schemas must be the bench's zod), wherever they lie.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The ES module entry of the zod the bench uses, as a file URL. */
export const zodUrl = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('zod/package.json')), 'index.js')).href;

/** The bench's plugin contract module (definePlugin), as a file URL. */
export const contractUrl = new URL('../plugin-contract.ts', import.meta.url).href;

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `topiary-${prefix}-`));
}

/** Writes a module into `dir` (creating folders on the way) and returns its path. */
export function writeModule(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A drop criterion's descriptor as module source: magnitude scores under another kind, with an `epsilon` option. */
export function dropDescriptorSource(kind: string): string {
  return `{
    family: 'drop',
    kind: ${JSON.stringify(kind)},
    doc: 'Magnitude drop under another name.',
    options: z.strictObject({ epsilon: z.number().positive().optional() }),
    create: () => ({ kind: ${JSON.stringify(kind)}, score: ({ weight }) => weight.abs() }),
  }`;
}

/** A model descriptor as module source: one hidden layer of `options.hidden` units, sized to the data. */
export function modelDescriptorSource(kind: string): string {
  return `{
    kind: ${JSON.stringify(kind)},
    doc: 'A one-hidden-layer network.',
    options: z.strictObject({ hidden: z.int().positive().default(8), softmax: z.boolean().default(true) }),
    build: ({ hidden, softmax }, seed, { tfl, data }) => {
      const model = tfl.sequential();
      model.add(tfl.layers.dense({ name: 'hidden', units: hidden, inputShape: [data.featureShape.reduce((a, b) => a * b, 1)], activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
      model.add(tfl.layers.dense({ name: 'out', units: data.numClasses, activation: softmax ? 'softmax' : 'linear' }));
      return model;
    },
  }`;
}

/** A data-set descriptor as module source: `options.count` examples of 4 features in 3 classes, or one-hot labels with `oneHot`. */
export function datasetDescriptorSource(name: string): string {
  return `{
    name: ${JSON.stringify(name)},
    doc: 'Three classes of four features.',
    options: z.strictObject({ count: z.int().positive().default(60), oneHot: z.boolean().default(false) }),
    load: ({ count, oneHot }) => {
      const split = (n) => ({
        x: { data: Float32Array.from({ length: n * 4 }, (_, i) => (Math.floor(i / 4) % 3) + (i % 4) / 10), shape: [n, 4] },
        y: oneHot
          ? { data: Array.from({ length: n * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)), shape: [n, 3] }
          : { data: Array.from({ length: n }, (_, i) => i % 3), shape: [n] },
      });
      return { train: split(count), test: split(12) };
    },
  }`;
}
