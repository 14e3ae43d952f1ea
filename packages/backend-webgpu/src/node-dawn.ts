import { WebGpuUnavailableError, describeError } from './unavailable-error.js';

/** The shape of the `webgpu` npm package (Dawn for Node). */
interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

/** The npm package that provides WebGPU in Node. */
export const DAWN_PACKAGE = 'webgpu';

let dawnModule: Promise<DawnModule> | undefined;
const dawnInstances = new Map<string, GPU>();
let installedNavigatorGpu: { createdNavigator: boolean } | undefined;

/** Loads the `webgpu` package once; throws a {@link WebGpuUnavailableError} saying how to install it. */
export async function loadDawn(): Promise<DawnModule> {
  dawnModule ??= (import('webgpu') as Promise<DawnModule>).catch((error: unknown) => {
    dawnModule = undefined;
    throw new WebGpuUnavailableError(
      `could not load the \`${DAWN_PACKAGE}\` package (Dawn for Node)`,
      [`import('${DAWN_PACKAGE}'): ${describeError(error)}`],
      `install it in the project that runs Topiary: \`pnpm add ${DAWN_PACKAGE}@0.6.2\` ` +
        `(or \`npm install ${DAWN_PACKAGE}@0.6.2\`). It is an optional peer dependency of @topiary/backend-webgpu ` +
        'and @topiary/bench, needed only for WebGPU in Node; prebuilt for linux-x64, linux-arm64, darwin and win32.',
      { cause: error },
    );
  });
  return dawnModule;
}

/** The key under which a Dawn instance is cached: its flags and the Vulkan drivers it was created with. */
function instanceKey(flags: readonly string[]): string {
  return `${flags.join('\u0000')}|${process.env.VK_ICD_FILENAMES ?? ''}`;
}

/** The Dawn `GPU` object for these flags and the current `VK_ICD_FILENAMES`, creating it on first use. */
export function dawnGpu(dawn: DawnModule, flags: readonly string[]): GPU {
  const key = instanceKey(flags);
  let gpu = dawnInstances.get(key);
  if (gpu === undefined) {
    gpu = dawn.create([...flags]);
    dawnInstances.set(key, gpu);
  }
  return gpu;
}

/** True when `gpu` is a Dawn instance created here (so `navigator.gpu` was defined by this package). */
export function isDawnGpu(gpu: GPU): boolean {
  return [...dawnInstances.values()].includes(gpu);
}

/** Forgets the Dawn instance for these flags (one that found no adapter), so a later call creates a new one. */
export function forgetDawnGpu(flags: readonly string[]): void {
  dawnInstances.delete(instanceKey(flags));
}

/**
 * Defines `navigator.gpu` and the `GPU*` globals (GPUBufferUsage, GPUMapMode, GPUBuffer, ...) that
 * @tensorflow/tfjs-backend-webgpu reads when it loads; globals the host already has are left alone.
 */
export function installWebGpuGlobals(dawn: DawnModule, gpu: GPU): void {
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in scope)) {
      Object.defineProperty(scope, name, { value, writable: true, configurable: true });
    }
  }
  const nav = scope.navigator as { gpu?: GPU } | undefined;
  if (nav?.gpu !== undefined) return;
  if (nav === undefined) {
    Object.defineProperty(scope, 'navigator', { value: { gpu }, writable: true, configurable: true });
    installedNavigatorGpu = { createdNavigator: true };
  } else {
    Object.defineProperty(nav, 'gpu', { value: gpu, writable: true, configurable: true });
    installedNavigatorGpu = { createdNavigator: false };
  }
}

/** Removes the `navigator.gpu` that {@link installWebGpuGlobals} defined and drops every cached Dawn instance. */
export function releaseDawn(): void {
  const scope = globalThis as Record<string, unknown>;
  if (installedNavigatorGpu?.createdNavigator) {
    delete scope.navigator;
  } else if (installedNavigatorGpu) {
    delete (scope.navigator as { gpu?: GPU }).gpu;
  }
  installedNavigatorGpu = undefined;
  dawnInstances.clear();
}
