export { wasm } from './wasm-backend.js';
export { wasmBinaryNames } from './wasm-options.js';
export type { WasmBackendOptions, WasmBinaryName, WasmBinaryPaths } from './wasm-options.js';
export { wasmTrainingKernelNames } from './training-kernel-names.js';
