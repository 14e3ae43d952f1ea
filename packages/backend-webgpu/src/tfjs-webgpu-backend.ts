import { engine, findBackendFactory, registerBackend, removeBackend, setBackend } from '@tensorflow/tfjs-core';
import type { BackendValues } from '@tensorflow/tfjs-core';
import { WebGpuUnavailableError, describeError } from './unavailable-error.js';

/** The tfjs package that implements the WebGPU kernels. */
export const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** tfjs's priority for its WebGPU backend, kept so that automatic choice inside tfjs behaves the same. */
const TFJS_WEBGPU_PRIORITY = 3;

/** Adapter limits that tfjs's WebGPU kernels need at their maximum (large buffers and workgroups). */
const LIMITS_AT_MAXIMUM = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

let ownDevice: GPUDevice | undefined;

type WebGpuBackendClass = typeof import('@tensorflow/tfjs-backend-webgpu').WebGPUBackend;

/**
 * The WebGPU backend with a clear error for synchronous reads where the host lacks OffscreenCanvas (Node):
 * tfjs implements `dataSync` on WebGPU through canvases.
 */
function withClearSyncReadError(Base: WebGpuBackendClass): WebGpuBackendClass {
  return class WebGpuBackendWithReadHint extends Base {
    override readSync(dataId: object): BackendValues {
      try {
        return super.readSync(dataId);
      } catch (error) {
        if (typeof OffscreenCanvas !== 'undefined') throw error;
        throw new Error(
          'webgpu backend: synchronous reads (dataSync, arraySync) need OffscreenCanvas, which this runtime ' +
            'lacks; use `await tensor.data()` or `await tensor.array()`.',
          { cause: error },
        );
      }
    }
  };
}

/** Opens a device on the adapter with the limits tfjs needs; throws a {@link WebGpuUnavailableError} on failure. */
async function requestTfDevice(adapter: GPUAdapter, attempts: readonly string[]): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const limit of LIMITS_AT_MAXIMUM) requiredLimits[limit] = adapter.limits[limit];
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  try {
    return await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch (error) {
    throw new WebGpuUnavailableError(
      `the adapter refused to open a device (${describeError(error)})`,
      [...attempts, `requestDevice with the adapter's maximum ${LIMITS_AT_MAXIMUM.join(', ')}: failed`],
      'update the GPU driver (or the `webgpu` package in Node), or choose the wasm or cpu backend.',
      { cause: error },
    );
  }
}

/**
 * Loads tfjs's WebGPU kernels (after `navigator.gpu` exists), registers tfjs's `webgpu` backend on a device
 * opened from `adapter`, and makes it the active backend. Reuses a `webgpu` backend that is already running.
 * Returns whether it reused one.
 */
export async function startTfWebGpuBackend(adapter: GPUAdapter, attempts: readonly string[]): Promise<boolean> {
  let tfWebGpu: typeof import('@tensorflow/tfjs-backend-webgpu');
  try {
    tfWebGpu = await import('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    throw new WebGpuUnavailableError(
      `could not load ${TFJS_WEBGPU_PACKAGE} (${describeError(error)})`,
      attempts,
      `install it with the same version as @tensorflow/tfjs-core: \`pnpm add ${TFJS_WEBGPU_PACKAGE}@4.22.0\`.`,
      { cause: error },
    );
  }
  // The engine's registry holds initialised backends only (tf.findBackend would initialise one as a side effect).
  const reused = engine().registry.webgpu !== undefined;
  if (!reused) {
    const device = await requestTfDevice(adapter, attempts);
    const Backend = withClearSyncReadError(tfWebGpu.WebGPUBackend);
    if (findBackendFactory('webgpu') != null) removeBackend('webgpu');
    registerBackend('webgpu', () => new Backend(device, adapter.info), TFJS_WEBGPU_PRIORITY);
    ownDevice = device;
  }
  if (!(await setBackend('webgpu'))) {
    throw new WebGpuUnavailableError(
      "tf.setBackend('webgpu') failed after the device opened (see tfjs's warning above)",
      attempts,
      'check that only one copy of @tensorflow/tfjs-core is installed (`pnpm why @tensorflow/tfjs-core`).',
    );
  }
  return reused;
}

/** Removes tfjs's `webgpu` backend (disposing its tensors) and destroys the device opened here. */
export function stopTfWebGpuBackend(): void {
  if (findBackendFactory('webgpu') != null) removeBackend('webgpu');
  ownDevice?.destroy();
  ownDevice = undefined;
}
