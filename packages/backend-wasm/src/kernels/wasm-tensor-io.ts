import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { DataType, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * A tensor's values as float32. For a float32 tensor this is a view of the WebAssembly heap, valid only until
 * the next heap allocation, so read every input before allocating the output.
 */
export function float32Values(backend: BackendWasm, info: TensorInfo): Float32Array {
  const values = backend.typedArrayFromHeap(info);
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** A tensor's values as int32: a heap view for an int32 tensor (same lifetime rule), else a converted copy. */
export function int32Values(backend: BackendWasm, info: TensorInfo): Int32Array {
  const values = backend.typedArrayFromHeap(info);
  return values instanceof Int32Array ? values : Int32Array.from(values);
}

/** Copies values computed in JavaScript into a new tensor on the WebAssembly heap. */
export function makeWasmOutput(
  backend: BackendWasm,
  shape: number[],
  dtype: DataType,
  values: Float32Array | Int32Array,
): TensorInfo {
  return backend.makeOutput(shape, dtype, undefined, values);
}

/** Throws when a tensor's shape differs from the one the kernel's attributes imply. */
export function checkShape(kernelName: string, input: string, actual: readonly number[], expected: readonly number[]): void {
  const same = actual.length === expected.length && actual.every((size, axis) => size === expected[axis]);
  if (!same) {
    throw new Error(`${kernelName}: ${input} must have shape [${expected.join(', ')}], got [${actual.join(', ')}]`);
  }
}

/** The named input of a kernel call; throws when tfjs did not pass it. */
export function kernelInput(kernelName: string, inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const input = inputs[name];
  if (input === undefined) throw new Error(`${kernelName}: missing input ${name}`);
  return input;
}
