export { wasm } from './wasm-backend.js';
export { wasmBinaryNames } from './wasm-options.js';
export type { WasmBackendOptions, WasmBinaryName, WasmBinaryPaths } from './wasm-options.js';
export { wasmTrainingKernelNames } from './training-kernel-names.js';
export { setWasmMatMulKernels, wasmMatMulKernelsInfo, nativeKernelNames } from './kernels/native-kernels.js';
export type { NativeKernelCounts, WasmMatMulKernels } from './kernels/native-kernels.js';
