import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  type KernelConfig,
  type KernelFunc,
  UnsortedSegmentSum,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { checkShape, kernelInput, float32Values, int32Values, makeWasmOutput } from './wasm-tensor-io.js';

/**
 * Sums the rows of `x` (flattened to `[segmentIds.length, rowSize]`) that share a segment id:
 * out[s, j] = Σ_{i : ids[i] = s} x[i, j]. Ids outside [0, numSegments) are dropped, as in TensorFlow.
 * This is the gradient of `tf.gather`.
 */
export function unsortedSegmentSumValues(
  x: Float32Array | Int32Array,
  segmentIds: Int32Array,
  numSegments: number,
  rowSize: number,
): Float64Array {
  const sums = new Float64Array(numSegments * rowSize);
  for (let i = 0; i < segmentIds.length; i++) {
    const segment = segmentIds[i]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) {
      sums[to + j]! += x[from + j]!;
    }
  }
  return sums;
}

const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = kernelInput(UnsortedSegmentSum, inputs, 'x');
  const segmentIds = kernelInput(UnsortedSegmentSum, inputs, 'segmentIds');
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const wasmBackend = backend as BackendWasm;
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new RangeError(`${UnsortedSegmentSum}: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new TypeError(`${UnsortedSegmentSum}: x must be float32 or int32, got ${x.dtype}`);
  }
  checkShape(UnsortedSegmentSum, 'x (leading axes)', x.shape.slice(0, segmentIds.shape.length), segmentIds.shape);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  const rowSize = rowShape.reduce((size, dim) => size * dim, 1);
  const xValues = x.dtype === 'int32' ? int32Values(wasmBackend, x) : float32Values(wasmBackend, x);
  const sums = unsortedSegmentSumValues(xValues, int32Values(wasmBackend, segmentIds), numSegments, rowSize);
  const values = x.dtype === 'int32' ? Int32Array.from(sums) : Float32Array.from(sums);
  return makeWasmOutput(wasmBackend, [numSegments, ...rowShape], x.dtype, values);
};

/** `UnsortedSegmentSum` for the wasm backend, used by the gradient of `tf.gather`. */
export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
