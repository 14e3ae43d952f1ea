import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { DATA_BASE, type KernelRuntime } from '../native/kernel-runtime.js';
import { align, PARALLEL_MIN_MACS } from './gemm-job.js';

const KIND_MAX_POOL_GRAD = 4;

/**
 * The input gradient of a 2-D max pooling (channels last): one job, one image per task; each output gradient goes
 * to its window's first maximum, as on tfjs's CPU backend.
 */
export function runMaxPoolGrad(runtime: KernelRuntime, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap): TensorInfo | string {
  const dy = inputs['dy'];
  const input = inputs['input'];
  if (dy === undefined || input === undefined) return 'missing input dy or input';
  if (dy.dtype !== 'float32' || input.dtype !== 'float32') return 'not float32';
  if (input.shape.length !== 4) return `input of rank ${input.shape.length}`;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs['filterSize'] as [number, number] | number,
    attrs['strides'] as [number, number] | number,
    1,
    attrs['pad'] as Parameters<typeof backend_util.computePool2DInfo>[4],
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
  );
  if (dy.shape.join() !== info.outShape.join()) return `dy of shape [${dy.shape.join(', ')}]`;
  const inputSize = input.shape.reduce((p, d) => p * d, 1);
  const dyPtr = DATA_BASE;
  const xPtr = align(dyPtr + dy.shape.reduce((p, d) => p * d, 1) * 4);
  const dxPtr = align(xPtr + inputSize * 4);
  if (!runtime.reserve(dxPtr + inputSize * 4)) return "operands exceed the kernels' memory";
  runtime.f32.set(backend.typedArrayFromHeap(dy) as Float32Array, dyPtr / 4);
  runtime.f32.set(backend.typedArrayFromHeap(input) as Float32Array, xPtr / 4);
  const slots = new Array<number>(41).fill(0);
  slots[0] = KIND_MAX_POOL_GRAD;
  slots[1] = info.batchSize;
  slots.splice(24, 17, xPtr, 0, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.effectiveFilterHeight, info.effectiveFilterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left, dyPtr, dxPtr);
  const work = info.batchSize * info.outHeight * info.outWidth * info.outChannels * info.filterHeight * info.filterWidth;
  runtime.run(slots, work >= PARALLEL_MIN_MACS / 4 ? runtime.activeThreads : 1);
  const result = backend.makeOutput([...input.shape], 'float32');
  (backend.typedArrayFromHeap(result) as Float32Array).set(runtime.f32.subarray(dxPtr / 4, dxPtr / 4 + inputSize));
  return result;
}
