import { describeAdapter, isFallbackAdapter } from './adapter-info.js';
import { dawnGpu, forgetDawnGpu, isDawnGpu, loadDawn } from './node-dawn.js';
import type { ResolvedWebGpuOptions } from './options.js';
import { hostGpu, isNodeRuntime } from './runtime.js';
import { NODE_ADAPTER_FIX, WebGpuUnavailableError, describeError } from './unavailable-error.js';
import { describeVulkanSetup, fileExists } from './vulkan-diagnostics.js';

/** An adapter and where it came from. */
export interface FoundAdapter {
  /** The adapter. */
  readonly adapter: GPUAdapter;
  /** The `GPU` object that gave it. */
  readonly gpu: GPU;
  /** Where the `GPU` object came from: Dawn in Node, or the host's `navigator.gpu`. */
  readonly source: 'dawn' | 'host';
  /** The steps taken, each with its outcome. */
  readonly attempts: readonly string[];
}

/** Asks one `GPU` object for an adapter, recording the outcome; never throws. */
async function requestAdapter(
  gpu: GPU,
  options: ResolvedWebGpuOptions,
  label: string,
  attempts: string[],
): Promise<GPUAdapter | null> {
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
    attempts.push(`${label}: ${adapter === null ? 'no adapter' : describeAdapter(adapter)}`);
    return adapter;
  } catch (error) {
    attempts.push(`${label}: requestAdapter failed (${describeError(error)})`);
    return null;
  }
}

/** Searches with Dawn in Node, retrying once with the software Vulkan driver when allowed. */
async function findWithDawn(
  options: ResolvedWebGpuOptions,
  attempts: string[],
): Promise<{ gpu: GPU; adapter: GPUAdapter | null }> {
  const dawn = await loadDawn();
  const flags = options.dawnFlags;
  const flagText = flags.length > 0 ? ` with flags [${flags.join(', ')}]` : '';
  const icdText = () => `VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? '(unset: system drivers)'}`;
  const firstGpu = dawnGpu(dawn, flags);
  const first = await requestAdapter(firstGpu, options, `Dawn${flagText}, ${icdText()}`, attempts);
  if (first !== null) return { gpu: firstGpu, adapter: first };
  forgetDawnGpu(flags);
  const icd = options.softwareVulkanIcd;
  if (icd === false || (process.env.VK_ICD_FILENAMES ?? '') !== '') return { gpu: firstGpu, adapter: null };
  if (!(await fileExists(icd))) {
    attempts.push(`software Vulkan driver ${icd}: missing`);
    return { gpu: firstGpu, adapter: null };
  }
  process.env.VK_ICD_FILENAMES = icd;
  const secondGpu = dawnGpu(dawn, flags);
  const second = await requestAdapter(secondGpu, options, `Dawn${flagText}, ${icdText()}`, attempts);
  if (second === null) {
    forgetDawnGpu(flags);
    delete process.env.VK_ICD_FILENAMES;
  }
  return { gpu: secondGpu, adapter: second };
}

/**
 * Finds a WebGPU adapter: the host's `navigator.gpu` where there is one (browsers), else Dawn through the
 * `webgpu` package (Node). Throws a {@link WebGpuUnavailableError} that lists what was tried and how to fix it.
 */
export async function findWebGpuAdapter(options: ResolvedWebGpuOptions): Promise<FoundAdapter> {
  const attempts: string[] = [];
  const host = hostGpu();
  let adapter: GPUAdapter | null;
  let gpu: GPU;
  let source: FoundAdapter['source'];
  if (host !== undefined && !isDawnGpu(host)) {
    source = 'host';
    gpu = host;
    adapter = await requestAdapter(host, options, 'navigator.gpu', attempts);
  } else if (isNodeRuntime()) {
    source = 'dawn';
    ({ gpu, adapter } = await findWithDawn(options, attempts));
  } else {
    throw new WebGpuUnavailableError(
      'this browser does not expose WebGPU (navigator.gpu is undefined)',
      ['navigator.gpu: undefined'],
      'use a browser with WebGPU enabled (Chromium: --enable-unsafe-webgpu where it is off), and serve the page ' +
        'from https or localhost (WebGPU needs a secure context); or choose the wasm or cpu backend.',
    );
  }
  if (adapter === null) {
    if (source === 'dawn') attempts.push(...(await describeVulkanSetup()));
    throw new WebGpuUnavailableError(
      'no WebGPU adapter found',
      attempts,
      source === 'dawn'
        ? NODE_ADAPTER_FIX
        : 'enable hardware acceleration, or in Chromium pass --enable-unsafe-webgpu (software SwiftShader ' +
            'where there is no GPU); or choose the wasm or cpu backend.',
    );
  }
  if (isFallbackAdapter(adapter) && !options.allowFallbackAdapter) {
    throw new WebGpuUnavailableError(
      `the only adapter is a fallback (software) adapter: ${describeAdapter(adapter)}`,
      attempts,
      'set allowFallbackAdapter: true to accept it (correct but slow), install a GPU driver, or choose the wasm backend.',
    );
  }
  return { adapter, gpu, source, attempts };
}
