import { describeAdapter, isFallbackAdapter } from './adapter-info.js';
import { findWebGpuAdapter } from './find-adapter.js';
import { resolveWebGpuOptions } from './options.js';
import type { WebGpuOptions } from './options.js';
import { describeError } from './unavailable-error.js';

/** What {@link probeWebGpu} found. */
export interface WebGpuProbe {
  /** True when an adapter was found (fallback adapters included). */
  readonly available: boolean;
  /** True when the adapter is a fallback (software) one such as SwiftShader: correct but slow. */
  readonly isFallbackAdapter: boolean;
  /** The adapter's vendor, architecture, device and description; empty when none was found. */
  readonly adapterInfo: string;
  /** Why WebGPU is or is not available, with the steps tried and how to fix a failure. */
  readonly reason: string;
}

/**
 * Looks for a WebGPU adapter without starting the tfjs backend, for automatic backend choice: pick WebGPU
 * only when `available && !isFallbackAdapter`. Never throws for a missing adapter or package; throws a
 * RangeError for bad options. In Node it may set `VK_ICD_FILENAMES` (see `softwareVulkanIcd`).
 *
 * @example
 * ```ts
 * const probe = await probeWebGpu();
 * const backend = probe.available && !probe.isFallbackAdapter ? webgpu() : wasm();
 * ```
 */
export async function probeWebGpu(options: WebGpuOptions = {}): Promise<WebGpuProbe> {
  const resolved = resolveWebGpuOptions({ ...options, allowFallbackAdapter: true });
  try {
    const { adapter, attempts } = await findWebGpuAdapter(resolved);
    const fallback = isFallbackAdapter(adapter);
    return {
      available: true,
      isFallbackAdapter: fallback,
      adapterInfo: describeAdapter(adapter),
      reason: `${fallback ? 'fallback (software) adapter' : 'hardware adapter'} found; tried: ${attempts.join('; ')}`,
    };
  } catch (error) {
    return { available: false, isFallbackAdapter: false, adapterInfo: '', reason: describeError(error) };
  }
}
