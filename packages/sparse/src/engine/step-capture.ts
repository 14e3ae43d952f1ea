import type { LayerCapture } from './sparse-matmul.js';
import type { DeviceLayerCapture } from './webgpu-sparse-matmul.js';

/** What a step keeps of a layer for the mask update: host arrays (cpu, wasm) or device tensors (webgpu). */
export type StepCapture = LayerCapture | DeviceLayerCapture;

/** Whether the capture holds device tensors (a step on the webgpu backend). */
export function isDeviceCapture(capture: StepCapture): capture is DeviceLayerCapture {
  return 'structure' in capture;
}

/** The capture as host arrays: itself, or the device tensors read with `await data()` (X, dY and dW: batch · (inputs + outputs) + nnz floats). */
export async function hostCapture(capture: StepCapture): Promise<LayerCapture> {
  if (!isDeviceCapture(capture)) return capture;
  const [x, dy, sampled] = (await Promise.all([capture.x.data(), capture.dy.data(), capture.sampled.data()])) as Float32Array[];
  return { x: x!, dy: dy!, batch: capture.batch, sampled: sampled! };
}

/** Disposes the device tensors of the captures (host captures hold none). */
export function releaseCaptures(captures: readonly (StepCapture | undefined)[]): void {
  for (const capture of captures) {
    if (capture && isDeviceCapture(capture)) {
      capture.x.dispose();
      capture.dy.dispose();
      capture.sampled.dispose();
    }
  }
}
