export { webgpu, releaseWebGpu } from './webgpu-backend.js';
export { probeWebGpu } from './probe.js';
export type { WebGpuProbe } from './probe.js';
export { CHROMIUM_SWIFTSHADER_ICD, resolveWebGpuOptions } from './options.js';
export type { ResolvedWebGpuOptions, WebGpuOptions } from './options.js';
export { WebGpuUnavailableError } from './unavailable-error.js';
export { registerWebGpuMaskSelect, webGpuMaskSelectKernel } from './mask-select/mask-select-kernel.js';
