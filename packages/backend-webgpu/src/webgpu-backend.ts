import type { BackendDescriptor, BackendInfo } from '@topiary/core';
import { describeAdapter, isFallbackAdapter } from './adapter-info.js';
import { findWebGpuAdapter } from './find-adapter.js';
import { installWebGpuGlobals, loadDawn, releaseDawn } from './node-dawn.js';
import { resolveWebGpuOptions } from './options.js';
import type { ResolvedWebGpuOptions, WebGpuOptions } from './options.js';
import { registerWebGpuMaskSelect } from './mask-select/mask-select-kernel.js';
import { startTfWebGpuBackend, stopTfWebGpuBackend } from './tfjs-webgpu-backend.js';

/**
 * The WebGPU backend: tfjs's WebGPU kernels on the browser's `navigator.gpu`, or in Node on Dawn through the
 * `webgpu` package (which defines `navigator.gpu` and the GPU globals before tfjs's WebGPU module loads).
 * Options are checked here, nothing is loaded until `setup()`. Under Node read tensors with
 * `await tensor.data()`: synchronous reads are unavailable there.
 *
 * @example
 * ```ts
 * import { webgpu } from '@topiary/backend-webgpu';
 * const info = await webgpu({ allowFallbackAdapter: false }).setup();
 * console.log(info.details); // the adapter, and whether it is a software one
 * ```
 */
export function webgpu(options: WebGpuOptions = {}): BackendDescriptor {
  const resolved = resolveWebGpuOptions(options);
  return { name: 'webgpu', tfBackend: 'webgpu', setup: () => setUpWebGpu(resolved) };
}

async function setUpWebGpu(options: ResolvedWebGpuOptions): Promise<BackendInfo> {
  const { adapter, gpu, source, attempts } = await findWebGpuAdapter(options);
  if (source === 'dawn') installWebGpuGlobals(await loadDawn(), gpu);
  const reused = await startTfWebGpuBackend(adapter, attempts);
  registerWebGpuMaskSelect();
  const details = [
    `adapter ${describeAdapter(adapter)}`,
    isFallbackAdapter(adapter) ? 'fallback (software) adapter: correct but slow' : 'hardware adapter',
    source === 'dawn'
      ? `Dawn in Node (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}); read with await tensor.data()`
      : 'navigator.gpu of the host',
  ];
  if (reused) details.push('reused the webgpu backend already running (options of this call not applied)');
  return { name: 'webgpu', details: details.join('; ') };
}

/**
 * Stops the WebGPU backend: removes tfjs's `webgpu` backend (disposing its tensors), destroys the device and,
 * in Node, removes the `navigator.gpu` this package defined. A later `setup()` starts afresh.
 */
export function releaseWebGpu(): void {
  stopTfWebGpuBackend();
  releaseDawn();
}
