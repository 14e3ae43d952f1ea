import { cpu } from '@topiary/backend-cpu';
import { wasm } from '@topiary/backend-wasm';
import { check, type BackendDescriptor, type BackendInfo } from '@topiary/core';

/** A backend a run can ask for; `auto` picks the fastest one that starts. */
export type BackendName = 'auto' | 'cpu' | 'wasm' | 'webgpu';

/** Every accepted {@link BackendName}. */
export const backendNames: readonly BackendName[] = ['auto', 'cpu', 'wasm', 'webgpu'];

/** The backend a run ended up on. */
export interface SelectedBackend {
  /** The started backend: `cpu`, `wasm` or `webgpu`. */
  readonly name: string;
  /** What the backend reports about itself (adapter, SIMD, threads, binary location). */
  readonly details: string;
  /** Why this backend was chosen, including every faster one that was skipped and why. */
  readonly reason: string;
}

/** What `probeWebGpu()` of `@topiary/backend-webgpu` reports. */
export interface WebGpuProbe {
  /** Whether a WebGPU adapter could be obtained. */
  readonly available: boolean;
  /** Whether that adapter is a software fallback (e.g. SwiftShader), correct but slow. */
  readonly isFallbackAdapter: boolean;
  /** Why WebGPU is or is not available, in words. */
  readonly reason: string;
}

/** The part of `@topiary/backend-webgpu` that backend selection uses. */
export interface WebGpuPackage {
  /** The WebGPU backend descriptor factory. */
  webgpu(): BackendDescriptor;
  /** Looks for a WebGPU adapter without starting the backend. */
  probeWebGpu(): Promise<WebGpuProbe>;
}

/** Where {@link selectBackend} gets each backend from; tests substitute their own. */
export interface BackendProviders {
  /** Makes the CPU backend descriptor. */
  readonly cpu: () => BackendDescriptor;
  /** Makes the WASM backend descriptor. */
  readonly wasm: () => BackendDescriptor;
  /** Loads `@topiary/backend-webgpu` (lazily, so Dawn starts only when WebGPU is wanted); rejects when it cannot load. */
  readonly loadWebGpu: () => Promise<WebGpuPackage>;
}

/** The providers {@link selectBackend} uses by default: the installed backend packages. */
export const defaultBackendProviders: BackendProviders = {
  cpu,
  wasm: () => wasm(),
  loadWebGpu: async (): Promise<WebGpuPackage> => await import('@topiary/backend-webgpu'),
};

/**
 * Starts a backend and makes it tfjs's active one. `auto` tries WebGPU on a real (non-fallback) adapter, then
 * WASM, then CPU, and says which it picked and why; a named backend that cannot start throws an error saying
 * what was tried and how to fix it.
 *
 * @example
 * ```ts
 * const backend = await selectBackend('auto');
 * console.log(`${backend.name}: ${backend.details} (${backend.reason})`);
 * ```
 */
export async function selectBackend(
  name: BackendName,
  providers: BackendProviders = defaultBackendProviders,
): Promise<SelectedBackend> {
  check(
    (backendNames as readonly unknown[]).includes(name),
    'backend',
    name,
    `one of ${backendNames.map((known) => `'${known}'`).join(', ')}`,
  );
  switch (name) {
    case 'auto':
      return selectAutomatically(providers);
    case 'webgpu':
      return startRequestedWebGpu(providers);
    case 'wasm':
      return startRequested('wasm', providers.wasm);
    case 'cpu':
      return startRequested('cpu', providers.cpu);
  }
}

async function startRequested(name: 'cpu' | 'wasm', make: () => BackendDescriptor): Promise<SelectedBackend> {
  const info = await startOrExplain(name, make);
  return selected(info, `${name} was requested`);
}

async function startRequestedWebGpu(providers: BackendProviders): Promise<SelectedBackend> {
  const webgpu = await loadWebGpuOrExplain(providers);
  let probe: WebGpuProbe;
  try {
    probe = await webgpu.probeWebGpu();
  } catch (error) {
    throw requestedFailure('webgpu', `probing for an adapter failed: ${describe(error)}`, error);
  }
  if (!probe.available) throw requestedFailure('webgpu', `no WebGPU adapter: ${probe.reason}`);
  const info = await startOrExplain('webgpu', () => webgpu.webgpu());
  const adapter = probe.isFallbackAdapter
    ? `on a software fallback adapter, which is slow (${probe.reason})`
    : `on a hardware adapter (${probe.reason})`;
  return selected(info, `webgpu was requested; running ${adapter}`);
}

async function selectAutomatically(providers: BackendProviders): Promise<SelectedBackend> {
  const skipped: string[] = [];
  const webgpuInfo = await tryWebGpu(providers, skipped);
  if (webgpuInfo) return selected(webgpuInfo.info, `auto: WebGPU on a hardware adapter (${webgpuInfo.reason})`);
  for (const [name, make] of [
    ['wasm', providers.wasm],
    ['cpu', providers.cpu],
  ] as const) {
    try {
      const info = await make().setup();
      return selected(info, `auto picked ${name} because ${skipped.join('; ')}`);
    } catch (error) {
      skipped.push(`${name} could not start: ${describe(error)}`);
    }
  }
  throw new Error(
    `No backend could start. Tried, in order: ${skipped.join('; ')}. ` +
      'Install @tensorflow/tfjs-backend-cpu and @tensorflow/tfjs-backend-wasm with the same version as ' +
        '@tensorflow/tfjs-core.',
  );
}

/** Starts WebGPU when a real adapter is there; otherwise records why not in `skipped` and returns undefined. */
async function tryWebGpu(
  providers: BackendProviders,
  skipped: string[],
): Promise<{ info: BackendInfo; reason: string } | undefined> {
  let webgpu: WebGpuPackage;
  try {
    webgpu = await providers.loadWebGpu();
  } catch (error) {
    skipped.push(`webgpu is not available (@topiary/backend-webgpu could not be loaded: ${describe(error)})`);
    return undefined;
  }
  try {
    const probe = await webgpu.probeWebGpu();
    if (!probe.available) {
      skipped.push(`webgpu is not available (${probe.reason})`);
      return undefined;
    }
    if (probe.isFallbackAdapter) {
      skipped.push(`webgpu has only a software fallback adapter, slower than wasm (${probe.reason})`);
      return undefined;
    }
    return { info: await webgpu.webgpu().setup(), reason: probe.reason };
  } catch (error) {
    skipped.push(`webgpu could not start: ${describe(error)}`);
    return undefined;
  }
}

async function loadWebGpuOrExplain(providers: BackendProviders): Promise<WebGpuPackage> {
  try {
    return await providers.loadWebGpu();
  } catch (error) {
    throw requestedFailure(
      'webgpu',
      `@topiary/backend-webgpu could not be loaded (${describe(error)}); ` +
        'add it to the dependencies of the app that runs Topiary',
      error,
    );
  }
}

async function startOrExplain(name: string, make: () => BackendDescriptor): Promise<BackendInfo> {
  try {
    return await make().setup();
  } catch (error) {
    throw requestedFailure(name, describe(error), error);
  }
}

function requestedFailure(name: string, why: string, cause?: unknown): Error {
  return new Error(
    `Backend '${name}' was requested but could not start: ${why}. ` +
      `Fix that, or choose 'auto' to fall back to the fastest backend that starts.`,
    { cause },
  );
}

function selected(info: BackendInfo, reason: string): SelectedBackend {
  return { name: info.name, details: info.details, reason };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
