// Times SET's drop on one layer of nnz nonzeros on the cpu backend, the criterion's path (the `set` scores over the
// nonzeros with tfjs ops, then selectLowestActive) against the host selection (selectSetDrop), and checks that both
// drop the same positions:
// `node --import tsx --conditions=@topiary/source packages/sparse/scripts/set-drop-timing.ts [nnz] [zeta] [criterion|host|both]`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng, selectLowestActive } from '@topiary/core';
import { setDrop } from '@topiary/drop';
import { selectSetDrop } from '../src/engine/set-drop-selection.js';

await tf.setBackend('cpu');
const nnz = Number(process.argv[2] ?? 10_000_000);
const zeta = Number(process.argv[3] ?? 0.3);
const which = process.argv[4] ?? 'both';
const k = Math.round(zeta * nnz);
const rng = Rng.fromSeed(1);
// trained-like weights: normal around 0, with some exact zeros (grown at zero)
const values = Float32Array.from({ length: nnz }, () => (rng.float() < 0.01 ? 0 : Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float()) * 0.05));

let criterion: Int32Array | undefined;
let host: Int32Array | undefined;
if (which !== 'host') {
  const started = performance.now();
  const layer = { name: 'd/kernel', layerName: 'd', kind: 'dense' as const, shape: [nnz], size: nnz, fanIn: nnz, fanOut: 1, kernelSize: [], outputPositions: 1, hasBias: false };
  const weight = tf.tensor1d(values);
  const scores = tf.tidy(() => setDrop().score({ layer, weight, mask: tf.ones([nnz]), step: 0, rng, count: k }));
  const data = await scores.data();
  scores.dispose();
  weight.dispose();
  criterion = selectLowestActive(data, new Uint8Array(nnz).fill(1), k);
  console.log(JSON.stringify({ path: 'criterion', nnz, k, seconds: (performance.now() - started) / 1000 }));
}
if (which !== 'criterion') {
  const started = performance.now();
  host = selectSetDrop(values, k);
  console.log(JSON.stringify({ path: 'host', nnz, k, seconds: (performance.now() - started) / 1000 }));
}
if (criterion && host) console.log(JSON.stringify({ samePositions: criterion.length === host.length && criterion.every((p, i) => p === host![i]) }));
