// The WGSL products on the webgpu backend (Dawn + SwiftShader in Node) against the TypeScript products on random
// kernels; skipped, with the reason printed, where no WebGPU adapter is found.
import * as tf from '@tensorflow/tfjs-core';
import { probeWebGpu, releaseWebGpu, webgpu } from '@topiary/backend-webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCase, relativeError, TOLERANCE, type Case } from '../../__tests__/fixtures.js';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { DeviceStructure } from '../device-structure.js';
import { SPARSE_WEBGPU_KERNELS, webGpuBackwardInput, webGpuForward, webGpuSampledGradient } from '../sparse-kernels.js';

const probe = await probeWebGpu();
if (!probe.available) console.warn(`WebGPU sparse product tests skipped, no adapter: ${probe.reason}`);

const host = typescriptProducts();

/** The three WGSL products of `c`, read with await data(). */
async function onDevice(c: Case): Promise<{ y: Float32Array; dx: Float32Array; dw: Float32Array }> {
  const structure = DeviceStructure.upload(c.kernel);
  const x = tf.tensor2d(c.x, [c.batch, c.inputs]);
  const dy = tf.tensor2d(c.dy, [c.batch, c.outputs]);
  const values = tf.tensor1d(c.kernel.values);
  const results = [webGpuForward(structure, x, values), webGpuBackwardInput(structure, dy, values), webGpuSampledGradient(structure, x, dy)];
  try {
    const [y, dx, dw] = (await Promise.all(results.map((t) => t.data()))) as Float32Array[];
    return { y: y!, dx: dx!, dw: dw! };
  } finally {
    tf.dispose([x, dy, values, ...results]);
    structure.dispose();
  }
}

/** Holds the WGSL products of `c` to the TypeScript ones. */
async function expectMatchesHost(c: Case): Promise<void> {
  const device = await onDevice(c);
  const label = `${c.inputs}×${c.outputs} batch ${c.batch} nnz ${c.kernel.nnz}`;
  expect(relativeError(device.y, host.forward(c.kernel, c.x, c.batch)), `${label} forward`).toBeLessThanOrEqual(TOLERANCE);
  expect(relativeError(device.dx, host.backwardInput(c.kernel, c.dy, c.batch)), `${label} backwardInput`).toBeLessThanOrEqual(TOLERANCE);
  expect(relativeError(device.dw, host.sampledGradient(c.kernel, c.x, c.dy, c.batch)), `${label} sampledGradient`).toBeLessThanOrEqual(TOLERANCE);
}

describe.skipIf(!probe.available)(`WGSL sparse products on webgpu (${probe.adapterInfo})`, () => {
  beforeAll(async () => {
    await webgpu().setup();
  });
  afterAll(() => {
    releaseWebGpu();
  });

  it.each([
    ['batch 1', 7, 5, 1, 0.5],
    ['odd sizes, batch 3', 13, 17, 3, 0.6],
    ['batch 33', 40, 24, 33, 0.8],
    ['inputs = 1', 1, 19, 6, 0.3],
    ['outputs = 1', 23, 1, 6, 0.3],
    ['inputs = outputs = 1', 1, 1, 4, 0],
    ['300 × 100 at sparsity 0.9, batch 20', 300, 100, 20, 0.9],
    ['LeNet-300-100 fc1 shape at sparsity 0.98, batch 7', 784, 300, 7, 0.98],
  ] as const)('%s matches the TypeScript products', async (_name, inputs, outputs, batch, sparsity) => {
    await expectMatchesHost(makeCase(inputs, outputs, batch, sparsity, inputs * 131 + outputs));
  });

  it('gives zeros at an output unit with no inputs and an input unit with no outputs', async () => {
    const c = makeCase(20, 12, 7, 0.5, 3, (i, o) => o !== 4 && i !== 9 && (i * 7 + o * 3) % 5 !== 0);
    await expectMatchesHost(c);
    const { y, dx } = await onDevice(c);
    for (let b = 0; b < c.batch; b++) {
      expect(y[b * 12 + 4]).toBe(0);
      expect(dx[b * 20 + 9]).toBe(0);
    }
  });

  it('gives zeros and an empty gradient for an all-zero mask, the dense products for a full one', async () => {
    const empty = makeCase(9, 11, 5, 1, 4, () => false);
    const { y, dx, dw } = await onDevice(empty);
    expect(Array.from(y)).toEqual(new Array(5 * 11).fill(0));
    expect(Array.from(dx)).toEqual(new Array(5 * 9).fill(0));
    expect(dw).toHaveLength(0);
    await expectMatchesHost(makeCase(33, 27, 9, 0, 5, () => true));
  });

  it('random shapes, batches and sparsities', async () => {
    for (let seed = 0; seed < 12; seed++) {
      const inputs = 1 + ((seed * 37) % 61);
      const outputs = 1 + ((seed * 53) % 47);
      await expectMatchesHost(makeCase(inputs, outputs, 1 + (seed % 9), (seed % 10) / 10, 1000 + seed));
    }
  });

  it('runs as registered webgpu kernels, on tensors left on the device', async () => {
    const c = makeCase(30, 20, 4, 0.7, 9);
    const structure = DeviceStructure.upload(c.kernel);
    const x = tf.tensor2d(c.x, [c.batch, c.inputs]);
    const values = tf.tensor1d(c.kernel.values);
    try {
      const profile = await tf.profile(() => webGpuForward(structure, x, values));
      expect(profile.kernelNames).toContain(SPARSE_WEBGPU_KERNELS.forward);
      expect(profile.kernelNames).not.toContain('MatMul');
      expect(profile.kernelNames).not.toContain('BatchMatMul');
    } finally {
      tf.dispose([x, values]);
      structure.dispose();
    }
  });

  it('refuses operands of the wrong shape and a disposed structure, naming them', () => {
    const c = makeCase(6, 5, 2, 0.5, 2);
    const structure = DeviceStructure.upload(c.kernel);
    const x = tf.zeros([2, 7]);
    const values = tf.tensor1d(c.kernel.values);
    try {
      expect(() => webGpuForward(structure, x, values)).toThrow(/webGpuForward: x is float32 \[2, 7\]; expected float32 \[2, 6\]/);
      structure.dispose();
      expect(() => webGpuBackwardInput(structure, tf.zeros([2, 5]), values)).toThrow(/disposed/);
    } finally {
      tf.dispose([x, values]);
    }
  });
});
