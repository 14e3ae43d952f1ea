// Format version 3 in SparseTrainer: a checkpoint whose layers are stored as CSR (kernel values and optimizer slots
// per stored weight) loads densely and resumes exactly as the version 2 checkpoint it was converted from; CSR
// structures and storage fields are checked before anything changes.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointManifest, type CheckpointTensorEntry } from '../checkpoint.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { SparseTrainer } from '../trainer.js';
import { TEST_OPTIMIZERS, testRigl } from './trainer-fixtures.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const batches = syntheticBatches({ count: 16, batchSize: 16 });
const make = (optimizer: keyof typeof TEST_OPTIMIZERS): SparseTrainer =>
  new SparseTrainer(tinyMlp({ hidden: [12, 8] }), { strategy: testRigl(3), optimizer: TEST_OPTIMIZERS[optimizer]!(), loss: 'categoricalCrossentropy', onWarning: () => undefined });

async function train(trainer: SparseTrainer, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const { x, y } = toTensors(batches[i]!);
    await trainer.step(x, y);
    tf.dispose([x, y]);
  }
}

/** A version 2 checkpoint rewritten as version 3 with every layer `csr`: what the sparse engine writes for the same state. */
function toCsr(checkpoint: Checkpoint): Checkpoint {
  const m = checkpoint.manifest;
  const tensor = (key: string): { entry: CheckpointTensorEntry; bytes: Uint8Array } => {
    const entry = m.tensors.find((t) => t.key === key)!;
    return { entry, bytes: checkpoint.data.slice(entry.offset, entry.offset + entry.byteLength) };
  };
  const chunks: { key: string; dtype: CheckpointTensorEntry['dtype']; bytes: Uint8Array }[] = [];
  const add = (key: string, dtype: CheckpointTensorEntry['dtype'], typed: Int32Array | Float32Array | Uint8Array): void => {
    chunks.push({ key, dtype, bytes: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) });
  };
  const masks = m.layers.map((_, i) => tensor(`mask/${i}`).bytes);
  const csr = (mask: Uint8Array, [inputs, outputs]: readonly number[]): { rowPointers: Int32Array; columnIndices: Int32Array } => {
    const rowPointers = new Int32Array(inputs! + 1);
    const columns: number[] = [];
    for (let i = 0; i < inputs!; i++) {
      for (let o = 0; o < outputs!; o++) if (mask[i * outputs! + o] === 1) columns.push(o);
      rowPointers[i + 1] = columns.length;
    }
    return { rowPointers, columnIndices: Int32Array.from(columns) };
  };
  const everCounts: number[] = [];
  m.layers.forEach((layer, i) => {
    const structure = csr(masks[i]!, layer.shape);
    const ever = csr(tensor(`everActive/${i}`).bytes, layer.shape);
    everCounts.push(ever.columnIndices.length);
    add(`rowPointers/${i}`, 'int32', structure.rowPointers);
    add(`columnIndices/${i}`, 'int32', structure.columnIndices);
    add(`everActiveRowPointers/${i}`, 'int32', ever.rowPointers);
    add(`everActiveColumnIndices/${i}`, 'int32', ever.columnIndices);
  });
  const kernelOf = (weight: number): number => m.layers.findIndex((l) => l.name === m.weights[weight]!.name);
  const gathered = (raw: Uint8Array, layer: number): Float32Array => {
    const values = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    return values.filter((_, p) => masks[layer]![p] === 1);
  };
  const kernelWeights = m.weights.map((_, w) => kernelOf(w));
  m.weights.forEach((_, w) => {
    const raw = tensor(`weight/${w}`).bytes;
    add(`weight/${w}`, 'float32', kernelWeights[w]! >= 0 ? gathered(raw, kernelWeights[w]!) : new Float32Array(raw.buffer));
  });
  m.optimizer.entries.forEach((e, j) => {
    const { entry, bytes } = tensor(`optimizer/${j}`);
    // trainable weights are the model's weights here (every weight of tinyMlp trains)
    const layer = e.variableIndex >= 0 ? kernelWeights[e.variableIndex]! : -1;
    if (layer >= 0) add(`optimizer/${j}`, 'float32', gathered(bytes, layer));
    else chunks.push({ key: `optimizer/${j}`, dtype: entry.dtype, bytes });
  });
  for (const t of m.tensors.filter((t) => t.key.startsWith('optimizerHidden/'))) chunks.push({ key: t.key, dtype: t.dtype, bytes: tensor(t.key).bytes });
  let offset = 0;
  const tensors = chunks.map((c) => {
    const entry = { key: c.key, dtype: c.dtype, shape: [c.bytes.byteLength / (c.dtype === 'uint8' ? 1 : 4)], offset, byteLength: c.bytes.byteLength };
    offset += c.bytes.byteLength;
    return entry;
  });
  for (const t of tensors) if (t.key.startsWith('optimizerHidden/') || t.key === 'optimizer/0') t.shape = [];
  const data = new Uint8Array(offset);
  chunks.forEach((c, i) => data.set(c.bytes, tensors[i]!.offset));
  const manifest: CheckpointManifest = { ...m, version: 3, engine: 'sparse', layers: m.layers.map((l, i) => ({ ...l, storage: 'csr', everActive: everCounts[i]! })), tensors };
  return { manifest, data };
}

async function state(trainer: SparseTrainer): Promise<unknown> {
  const weights = await Promise.all(trainer.model.weights.map(async (w) => Array.from(await w.read().data())));
  return { weights, masks: trainer.masks(), step: trainer.stepCount, flops: trainer.flops(), exploration: trainer.summary().explorationRate };
}

describe('version 3 (CSR) checkpoints in SparseTrainer', () => {
  it.each(['sgd', 'momentum', 'adam', 'rmsprop'] as const)('with %s: a CSR checkpoint resumes as the dense one it was converted from', async (optimizer) => {
    const source = make(optimizer);
    const dense = make(optimizer);
    const sparse = make(optimizer);
    try {
      await train(source, 0, 7);
      const v2 = await source.saveCheckpoint();
      const v3 = decodeCheckpoint(encodeCheckpoint(toCsr(v2)));
      expect(v3.data.byteLength).toBeLessThan(v2.data.byteLength);
      await dense.loadCheckpoint(v2);
      await sparse.loadCheckpoint(v3);
      expect(await state(sparse)).toEqual(await state(dense));
      await train(dense, 7, 16);
      await train(sparse, 7, 16);
      expect(await state(sparse)).toEqual(await state(dense));
    } finally {
      for (const t of [source, dense, sparse]) {
        t.dispose();
        t.model.dispose();
        t.optimizer.dispose();
      }
    }
  });

  it('refuses bad CSR structures and storage fields, changing nothing', async () => {
    const source = make('momentum');
    const target = make('momentum');
    try {
      await train(source, 0, 4);
      await train(target, 0, 2);
      const good = toCsr(await source.saveCheckpoint());
      const edit = (change: (m: Record<string, unknown>, d: DataView) => void): Checkpoint => {
        const manifest = JSON.parse(JSON.stringify(good.manifest)) as Record<string, unknown>;
        const data = good.data.slice();
        change(manifest, new DataView(data.buffer));
        return { manifest: manifest as unknown as CheckpointManifest, data };
      };
      const at = (m: Record<string, unknown>, key: string): number => (m['tensors'] as CheckpointTensorEntry[]).find((t) => t.key === key)!.offset;
      const before = await state(target);
      const bad: [Checkpoint, RegExp][] = [
        [edit((m, d) => d.setInt32(at(m, 'rowPointers/0'), 1, true)), /layer 0 \(.*\) is not a valid CSR structure of a 16 × 12 kernel: row pointer 0 is 1, not 0/],
        [edit((m, d) => d.setInt32(at(m, 'columnIndices/2'), -1, true)), /column index 0 is -1, outside \[0, 4\)/],
        [edit((m) => (m['version'] = 2)), /manifest.layers\[0\].storage must be absent in version 2/],
        [edit((m) => delete m['engine']), /manifest.engine must be a string/],
        [edit((m) => delete (m['layers'] as Record<string, unknown>[])[1]!['everActive']), /manifest.layers\[1\].everActive must be a non-negative integer/],
        [edit((m) => ((m['layers'] as Record<string, unknown>[])[0]!['active'] = 3)), /columnIndices\/0 \(column indices of layer 0 .*\) is int32\[\d+\] but this trainer needs int32\[3\]/],
      ];
      for (const [checkpoint, error] of bad) {
        await expect(target.loadCheckpoint(checkpoint)).rejects.toThrow(error);
        expect(await state(target)).toEqual(before);
      }
    } finally {
      for (const t of [source, target]) {
        t.dispose();
        t.model.dispose();
        t.optimizer.dispose();
      }
    }
  });
});
