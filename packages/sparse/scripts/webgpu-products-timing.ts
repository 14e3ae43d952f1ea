// Times the WGSL products on the webgpu backend against the TypeScript products on random kernels, prints the
// adapter they ran on, and checks that both give the same results (max |Δ| / max |ref|):
// `node --import tsx --conditions=@topiary/source packages/sparse/scripts/webgpu-products-timing.ts [repeats]`.
// On a software adapter (SwiftShader) the WebGPU numbers say nothing of a GPU: they time a CPU emulating one.
import * as tf from '@tensorflow/tfjs-core';
import { probeWebGpu, webgpu } from '@topiary/backend-webgpu';
import { Rng } from '@topiary/core';
import { relativeError } from '../src/__tests__/fixtures.js';
import { randomSparseKernel } from '../src/kernel/random-kernel.js';
import { typescriptProducts } from '../src/typescript/typescript-products.js';
import { DeviceStructure } from '../src/webgpu/device-structure.js';
import { webGpuBackwardInput, webGpuForward, webGpuSampledGradient } from '../src/webgpu/sparse-kernels.js';

const repeats = Number(process.argv[2] ?? 20);
const probe = await probeWebGpu();
if (!probe.available) {
  console.log(JSON.stringify({ skipped: true, reason: probe.reason }));
  process.exit(0);
}
const info = await webgpu().setup();
console.log(JSON.stringify({ adapter: probe.adapterInfo, fallbackAdapter: probe.isFallbackAdapter, backend: info.details }));
if (probe.isFallbackAdapter) console.log(JSON.stringify({ note: 'software adapter: WebGPU timings measure a CPU emulating a GPU, not a GPU' }));

/** Milliseconds per call of `run`, over `repeats` calls after one warm-up. */
function hostMs(run: () => unknown): number {
  run();
  const started = performance.now();
  for (let r = 0; r < repeats; r++) run();
  return (performance.now() - started) / repeats;
}

/** Milliseconds per product on the device: `repeats` dispatches, then one read of the last result (which waits for all). */
async function deviceMs(run: () => tf.Tensor): Promise<number> {
  const warm = run();
  await warm.data();
  warm.dispose();
  const started = performance.now();
  const results: tf.Tensor[] = [];
  for (let r = 0; r < repeats; r++) results.push(run());
  await results[results.length - 1]!.data();
  const ms = (performance.now() - started) / repeats;
  tf.dispose(results);
  return ms;
}

const host = typescriptProducts();
const cases = [
  { inputs: 784, outputs: 300, sparsity: 0.9, batch: 100 },
  { inputs: 784, outputs: 300, sparsity: 0.98, batch: 100 },
  { inputs: 4096, outputs: 4096, sparsity: 0.99, batch: 64 },
];
for (const c of cases) {
  const rng = Rng.fromSeed(c.inputs + c.outputs);
  const kernel = randomSparseKernel(c.inputs, c.outputs, c.sparsity, () => rng.float());
  const x = Float32Array.from({ length: c.batch * c.inputs }, () => 2 * rng.float() - 1);
  const dy = Float32Array.from({ length: c.batch * c.outputs }, () => 2 * rng.float() - 1);
  const structure = DeviceStructure.upload(kernel);
  const xt = tf.tensor2d(x, [c.batch, c.inputs]);
  const dyt = tf.tensor2d(dy, [c.batch, c.outputs]);
  const values = tf.tensor1d(kernel.values);
  const products = {
    forward: { host: () => host.forward(kernel, x, c.batch), device: () => webGpuForward(structure, xt, values) },
    backwardInput: { host: () => host.backwardInput(kernel, dy, c.batch), device: () => webGpuBackwardInput(structure, dyt, values) },
    sampledGradient: { host: () => host.sampledGradient(kernel, x, dy, c.batch), device: () => webGpuSampledGradient(structure, xt, dyt) },
  };
  for (const [name, p] of Object.entries(products)) {
    const out = p.device();
    const error = relativeError((await out.data()) as Float32Array, p.host());
    out.dispose();
    const typescriptMs = hostMs(p.host);
    const webgpuMs = await deviceMs(p.device);
    console.log(JSON.stringify({ ...c, nnz: kernel.nnz, product: name, typescriptMs: +typescriptMs.toFixed(3), webgpuMs: +webgpuMs.toFixed(3), webgpuOverTypescript: +(webgpuMs / typescriptMs).toFixed(2), relativeError: error }));
  }
  tf.dispose([xt, dyt, values]);
  structure.dispose();
}
