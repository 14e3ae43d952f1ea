import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasm } from '../index.js';
import { dot, expectClose, normalValues, valuesOn } from './backend-fixtures.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
type Pair = [number, number];

beforeAll(async () => {
  await wasm().setup();
});

/** Runs the kernel on wasm and on cpu with the same inputs and attributes; returns both results. */
async function onBothBackends(
  kernelName: string,
  inputs: Record<string, { values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }>,
  attrs: object,
): Promise<{ wasm: Float32Array | Int32Array; cpu: Float32Array | Int32Array; shape: number[] }> {
  let shape: number[] = [];
  const run = () => {
    const tensors = Object.fromEntries(
      Object.entries(inputs).map(([name, input]) => [name, tf.tensor(input.values, input.shape, input.dtype ?? 'float32')]),
    );
    const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    shape = out.shape;
    return out;
  };
  const onWasm = await valuesOn('wasm', run);
  const wasmShape = shape;
  const onCpu = await valuesOn('cpu', run);
  expect(wasmShape).toEqual(shape);
  return { wasm: onWasm, cpu: onCpu, shape };
}

describe('Conv2DBackpropFilter on wasm', () => {
  const cases: { x: number[]; filter: number[]; strides: Pair; pad: Pad; dataFormat: 'NHWC' | 'NCHW' }[] = [
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dataFormat: 'NHWC' },
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' },
    { x: [3, 9, 8, 2], filter: [3, 2, 2, 5], strides: [2, 2], pad: 'same', dataFormat: 'NHWC' },
    { x: [1, 10, 9, 4], filter: [5, 5, 4, 3], strides: [2, 1], pad: 'valid', dataFormat: 'NHWC' },
    { x: [2, 6, 6, 1], filter: [1, 1, 1, 6], strides: [1, 1], pad: 'valid', dataFormat: 'NHWC' },
    { x: [2, 8, 8, 2], filter: [3, 3, 2, 3], strides: [1, 2], pad: [[0, 0], [1, 2], [2, 0], [0, 0]], dataFormat: 'NHWC' },
    { x: [2, 3, 7, 6], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same', dataFormat: 'NCHW' },
    { x: [2, 2, 9, 9], filter: [3, 3, 2, 3], strides: [2, 2], pad: 'valid', dataFormat: 'NCHW' },
  ];

  it.each(cases)('matches cpu: x $x, filter $filter, strides $strides, pad $pad, $dataFormat', async (c) => {
    const rng = Rng.fromSeed(c.x.reduce((a, b) => a * 31 + b, 7));
    const convInfo = tf.backend_util.computeConv2DInfo(
      c.x as [number, number, number, number],
      c.filter as [number, number, number, number],
      c.strides,
      1,
      c.pad,
      undefined,
      false,
      tf.backend_util.convertConv2DDataFormat(c.dataFormat),
    );
    const dyShape = convInfo.outShape;
    const result = await onBothBackends(
      tf.Conv2DBackpropFilter,
      {
        x: { values: normalValues(rng, tf.util.sizeFromShape(c.x)), shape: c.x },
        dy: { values: normalValues(rng, tf.util.sizeFromShape(dyShape)), shape: dyShape },
      },
      { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, filterShape: c.filter },
    );
    expect(result.shape).toEqual(c.filter);
    expectClose(result.wasm, result.cpu);
  });

  it('gives tf.grad of a conv2d the same filter and input gradients as cpu', async () => {
    const rng = Rng.fromSeed(11);
    const xValues = normalValues(rng, 2 * 8 * 8 * 3);
    const filterValues = normalValues(rng, 3 * 3 * 3 * 5);
    const gradients = (backend: 'cpu' | 'wasm', which: 0 | 1) =>
      valuesOn(backend, () => {
        const x = tf.tensor4d(xValues, [2, 8, 8, 3]);
        const filter = tf.tensor4d(filterValues, [3, 3, 3, 5]);
        const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
        return tf.grads(loss)([x, filter])[which]!;
      });
    expectClose(await gradients('wasm', 1), await gradients('cpu', 1));
    expectClose(await gradients('wasm', 0), await gradients('cpu', 0));
  });

  it('rejects a dy whose shape does not match the convolution', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 5, 5, 1]);
    const dy = tf.zeros([1, 4, 4, 2]);
    expect(() =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: 1,
        pad: 'valid',
        dataFormat: 'NHWC',
        filterShape: [3, 3, 1, 2],
      } as unknown as tf.NamedAttrMap),
    ).toThrow('Conv2DBackpropFilter: dy must have shape [1, 3, 3, 2], got [1, 4, 4, 2]');
    tf.dispose([x, dy]);
  });
});

describe('depthwise conv2d gradients on wasm', () => {
  const cases: { x: number[]; filter: number[]; strides: Pair; pad: Pad }[] = [
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 1], strides: [1, 1], pad: 'same' },
    { x: [2, 7, 7, 3], filter: [3, 3, 3, 2], strides: [1, 1], pad: 'valid' },
    { x: [1, 9, 8, 2], filter: [3, 2, 2, 3], strides: [2, 2], pad: 'same' },
    { x: [3, 10, 9, 4], filter: [5, 5, 4, 1], strides: [2, 1], pad: 'valid' },
    { x: [2, 8, 8, 2], filter: [3, 3, 2, 2], strides: [1, 2], pad: [[0, 0], [1, 1], [2, 0], [0, 0]] },
  ];

  it.each(cases)('match cpu: x $x, filter $filter, strides $strides, pad $pad', async (c) => {
    const rng = Rng.fromSeed(c.filter.reduce((a, b) => a * 17 + b, 3));
    const convInfo = tf.backend_util.computeConv2DInfo(
      c.x as [number, number, number, number],
      c.filter as [number, number, number, number],
      c.strides,
      1,
      c.pad,
      undefined,
      true,
    );
    const dy = { values: normalValues(rng, tf.util.sizeFromShape(convInfo.outShape)), shape: convInfo.outShape };
    const common = { strides: c.strides, pad: c.pad, dilations: [1, 1] };
    const filterGrad = await onBothBackends(
      tf.DepthwiseConv2dNativeBackpropFilter,
      { x: { values: normalValues(rng, tf.util.sizeFromShape(c.x)), shape: c.x }, dy },
      { ...common, filterShape: c.filter },
    );
    expect(filterGrad.shape).toEqual(c.filter);
    expectClose(filterGrad.wasm, filterGrad.cpu);
    const inputGrad = await onBothBackends(
      tf.DepthwiseConv2dNativeBackpropInput,
      { dy, filter: { values: normalValues(rng, tf.util.sizeFromShape(c.filter)), shape: c.filter } },
      { ...common, inputShape: c.x },
    );
    expect(inputGrad.shape).toEqual(c.x);
    expectClose(inputGrad.wasm, inputGrad.cpu);
  });

  // tfjs's cpu kernels ignore dilations, so dilated gradients are checked as the adjoints of cpu's dilated
  // forward convolution: <dY, conv(X, W)> = <dW(X, dY), W> = <dX(dY, W), X> for random X, W and dY.
  it.each([
    { x: [2, 9, 9, 2], filter: [3, 3, 2, 2], dilations: [2, 2] as Pair, pad: 'same' as const },
    { x: [1, 11, 10, 3], filter: [2, 3, 3, 1], dilations: [3, 2] as Pair, pad: 'valid' as const },
  ])('are the adjoints of the dilated forward conv: dilations $dilations, pad $pad', async (c) => {
    const rng = Rng.fromSeed(99);
    const xValues = normalValues(rng, tf.util.sizeFromShape(c.x));
    const filterValues = normalValues(rng, tf.util.sizeFromShape(c.filter));
    const forward = await valuesOn('cpu', () =>
      tf.depthwiseConv2d(tf.tensor4d(xValues, c.x as never), tf.tensor4d(filterValues, c.filter as never), 1, c.pad, 'NHWC', c.dilations),
    );
    const convInfo = tf.backend_util.computeConv2DInfo(c.x as never, c.filter as never, 1, c.dilations, c.pad, undefined, true);
    const dyValues = normalValues(rng, forward.length);
    const attrs = { strides: 1, pad: c.pad, dilations: c.dilations };
    const dw = await valuesOn('wasm', () =>
      tf.engine().runKernel(
        tf.DepthwiseConv2dNativeBackpropFilter,
        { x: tf.tensor(xValues, c.x), dy: tf.tensor(dyValues, convInfo.outShape) },
        { ...attrs, filterShape: c.filter } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor,
    );
    const dx = await valuesOn('wasm', () =>
      tf.engine().runKernel(
        tf.DepthwiseConv2dNativeBackpropInput,
        { dy: tf.tensor(dyValues, convInfo.outShape), filter: tf.tensor(filterValues, c.filter) },
        { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor,
    );
    const reference = dot(dyValues, forward);
    expect(Math.abs(dot(dw, filterValues) - reference)).toBeLessThanOrEqual(1e-4 * Math.abs(reference) + 1e-3);
    expect(Math.abs(dot(dx, xValues) - reference)).toBeLessThanOrEqual(1e-4 * Math.abs(reference) + 1e-3);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it.each([
    { x: [12, 5], numSegments: 4 },
    { x: [20], numSegments: 7 },
    { x: [9, 2, 3], numSegments: 3 },
  ])('matches cpu for x $x and $numSegments segments, dropping out-of-range ids', async (c) => {
    const rng = Rng.fromSeed(c.x[0]!);
    const ids = Int32Array.from({ length: c.x[0]! }, (_, i) => (i % 5 === 4 ? [-1, c.numSegments][i % 2]! : rng.int(c.numSegments)));
    const result = await onBothBackends(
      tf.UnsortedSegmentSum,
      {
        x: { values: normalValues(rng, tf.util.sizeFromShape(c.x)), shape: c.x },
        segmentIds: { values: ids, shape: [ids.length], dtype: 'int32' },
      },
      { numSegments: c.numSegments },
    );
    expect(result.shape).toEqual([c.numSegments, ...c.x.slice(1)]);
    expectClose(result.wasm, result.cpu);
  });

  it('sums int32 values into int32', async () => {
    const sums = await valuesOn('wasm', () =>
      tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), tf.tensor1d([1, 0, 1], 'int32'), 2),
    );
    expect(sums).toBeInstanceOf(Int32Array);
    expect(Array.from(sums)).toEqual([3, 4, 6, 8]);
  });

  it('groups by every leading axis that segment ids cover, as TensorFlow does', async () => {
    const sums = await valuesOn('wasm', () =>
      tf.engine().runKernel(
        tf.UnsortedSegmentSum,
        { x: tf.tensor3d([1, 10, 2, 20, 3, 30, 4, 40], [2, 2, 2]), segmentIds: tf.tensor2d([[0, 2], [2, 0]], [2, 2], 'int32') },
        { numSegments: 3 },
      ) as tf.Tensor,
    );
    expect(Array.from(sums)).toEqual([5, 50, 0, 0, 5, 50]);
  });

  it('gives tf.gather the same gradient as cpu', async () => {
    const rng = Rng.fromSeed(5);
    const table = normalValues(rng, 30 * 4);
    const indices = Int32Array.from({ length: 50 }, () => rng.int(30));
    const weights = normalValues(rng, 50 * 4);
    const gradient = (backend: 'cpu' | 'wasm') =>
      valuesOn(backend, () =>
        tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor1d(indices, 'int32')), tf.tensor2d(weights, [50, 4]))))(
          tf.tensor2d(table, [30, 4]),
        ),
      );
    expectClose(await gradient('wasm'), await gradient('cpu'));
  });
});

describe('training kernels and memory', () => {
  it('leave no tensors or wasm memory behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 6, 6, 2], 0, 1, 'float32', 1);
    const filter = tf.randomNormal([3, 3, 2, 2], 0, 1, 'float32', 2);
    const table = tf.randomNormal([10, 3], 0, 1, 'float32', 3);
    const indices = tf.tensor1d([1, 3, 3, 7], 'int32');
    const before = { tensors: tf.memory().numTensors, dataIds: tf.engine().backend.numDataIds() };
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.add(
        tf.add(tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')), tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))),
        tf.sum(tf.gather(c, indices)),
      ),
    )([x, filter, table]);
    expect(tf.memory().numTensors).toBe(before.tensors + 3);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(tf.engine().backend.numDataIds()).toBe(before.dataIds);
    tf.dispose([x, filter, table, indices]);
  });
});
