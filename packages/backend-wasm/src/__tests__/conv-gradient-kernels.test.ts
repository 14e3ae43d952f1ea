import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasm, wasmMatMulKernelsInfo } from '../index.js';
import { normalValues, relativeError, valuesOn } from './backend-fixtures.js';

beforeAll(async () => {
  await wasm({ kernelThreads: 2 }).setup();
});

const calls = (kernel: string) => wasmMatMulKernelsInfo()!.calls[kernel]!;

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const cases: ConvCase[] = [
  { x: [100, 28, 28, 1], filter: [5, 5, 1, 6], strides: [1, 1], pad: 'same' }, // LeNet-5 conv1
  { x: [100, 14, 14, 6], filter: [5, 5, 6, 16], strides: [1, 1], pad: 'valid' }, // LeNet-5 conv2
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [3, 9, 8, 2], filter: [3, 2, 2, 5], strides: [2, 2], pad: 'same' },
  { x: [1, 10, 9, 4], filter: [5, 5, 4, 3], strides: [2, 1], pad: 'valid' },
  { x: [2, 6, 6, 1], filter: [1, 1, 1, 9], strides: [1, 1], pad: 'valid' },
  { x: [2, 8, 8, 5], filter: [3, 3, 5, 7], strides: [1, 2], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [1, 5, 5, 1], filter: [5, 5, 1, 1], strides: [1, 1], pad: 'valid' },
];

describe("Topiary's convolution gradients on wasm", () => {
  it.each(cases)('filter and input gradients of x $x, filter $filter, strides $strides, pad $pad match cpu within 1e-5', async (c) => {
    const rng = Rng.fromSeed(c.x.reduce((a, b) => a * 31 + b, 3));
    const xValues = normalValues(rng, c.x.reduce((p, d) => p * d, 1));
    const wValues = normalValues(rng, c.filter.reduce((p, d) => p * d, 1));
    const outShape = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
    const dyValues = normalValues(rng, outShape.reduce((p, d) => p * d, 1));
    const before = { filter: calls('Conv2DBackpropFilter').native, input: calls('Conv2DBackpropInput').native };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' };
    const filterGrad = () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xValues, c.x), dy: tf.tensor4d(dyValues, outShape) }, { ...attrs, filterShape: c.filter } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const inputGrad = () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor4d(dyValues, outShape), filter: tf.tensor4d(wValues, c.filter) }, { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
    expect(relativeError(await valuesOn('wasm', filterGrad), await valuesOn('cpu', filterGrad))).toBeLessThanOrEqual(1e-5);
    expect(relativeError(await valuesOn('wasm', inputGrad), await valuesOn('cpu', inputGrad))).toBeLessThanOrEqual(1e-5);
    expect(calls('Conv2DBackpropFilter').native).toBe(before.filter + 1);
    expect(calls('Conv2DBackpropInput').native).toBe(before.input + 1);
  });

  it('gradients of a conv2d layer through tf.grads match cpu', async () => {
    const rng = Rng.fromSeed(11);
    const x = normalValues(rng, 4 * 12 * 12 * 3);
    const w = normalValues(rng, 3 * 3 * 3 * 8);
    const grads = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const xs = tf.tensor4d(x, [4, 12, 12, 3]);
      const ws = tf.tensor4d(w, [3, 3, 3, 8]);
      const g = tf.grads((...[a, b]: tf.Tensor[]) => tf.sum(tf.square(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [2, 2], 'same')))))([xs, ws]);
      const values = await Promise.all(g.map((t) => t.data()));
      tf.dispose([xs, ws, ...g]);
      return values;
    };
    const onWasm = await grads('wasm');
    const onCpu = await grads('cpu');
    onWasm.forEach((g, i) => expect(relativeError(g, onCpu[i]!)).toBeLessThanOrEqual(1e-5));
  });

  it('hands channels-first convolutions to the kernels they replace', async () => {
    const before = calls('Conv2DBackpropFilter');
    const rng = Rng.fromSeed(2);
    const x = normalValues(rng, 2 * 3 * 7 * 6);
    const dy = normalValues(rng, 2 * 4 * 7 * 6);
    const compute = () =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x: tf.tensor4d(x, [2, 3, 7, 6]), dy: tf.tensor4d(dy, [2, 4, 7, 6]) },
        { strides: [1, 1], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    expect(relativeError(await valuesOn('wasm', compute), await valuesOn('cpu', compute))).toBeLessThanOrEqual(1e-5);
    expect(calls('Conv2DBackpropFilter')).toMatchObject({ native: before.native, fallback: before.fallback + 1, lastFallback: 'data format NCHW' });
  });
});

describe("Topiary's max-pool gradient on wasm", () => {
  it.each([
    { x: [100, 28, 28, 6], size: 2, strides: 2, pad: 'valid' as const }, // LeNet-5 pool1
    { x: [3, 9, 9, 5], size: 3, strides: 2, pad: 'same' as const },
    { x: [2, 7, 8, 3], size: 3, strides: 1, pad: 'valid' as const }, // overlapping windows
    { x: [2, 5, 6, 1], size: 2, strides: 1, pad: 'same' as const },
  ])('x $x, window $size, strides $strides, pad $pad: matches cpu, ties (relu zeros) included', async (c) => {
    const rng = Rng.fromSeed(c.x.reduce((a, b) => a * 17 + b, 1));
    // half the inputs are exactly 0 after relu, so many windows tie
    const xValues = normalValues(rng, c.x.reduce((p, d) => p * d, 1)).map((v) => Math.max(0, v));
    const before = calls('MaxPoolGrad').native;
    const outShape = tf.backend_util.computePool2DInfo(c.x as [number, number, number, number], c.size, c.strides, 1, c.pad).outShape;
    const gradient = () => {
      const x = tf.tensor4d(xValues, c.x as [number, number, number, number]);
      // a distinct weight per output, so a gradient routed to the wrong pixel shows
      const weights = tf.reshape(tf.range(1, 1 + outShape.reduce((p, d) => p * d, 1)), outShape);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.size, c.strides, c.pad), weights)))(x);
    };
    const onWasm = await valuesOn('wasm', gradient);
    const onCpu = await valuesOn('cpu', gradient);
    expect(relativeError(onWasm, onCpu)).toBeLessThanOrEqual(1e-5);
    expect(calls('MaxPoolGrad').native).toBe(before + 1);
  });
});
