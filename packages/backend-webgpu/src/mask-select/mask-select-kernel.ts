import { getKernel, registerKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { MASK_SELECT_KERNEL, type MaskSelectAttrs } from '@topiary/core';
import { RADIX_BINS, RADIX_PASSES, RadixApplyProgram, RadixHistogramProgram, RadixScanProgram, gridStrideWorkgroups } from './radix-select-programs.js';

/** Runs the radix select of `radix-select-programs.ts` on the device: 2 × 8 passes to find the threshold, one to apply it. */
const maskSelectOnWebGpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const gpu = backend as unknown as WebGPUBackend;
  const scores = inputs['scores'] as TensorInfo;
  const mask = inputs['mask'] as TensorInfo;
  const { k, mode } = attrs as unknown as MaskSelectAttrs;
  const elements = scores.shape[0]!;
  const dropMode = mode === 'drop' ? 1 : 0;
  const workgroups = gridStrideWorkgroups(elements);
  const int = (value: number) => ({ type: 'int32', data: [value] });

  let state = gpu.makeTensorInfo([4], 'int32', new Int32Array([0, 0, k, 0]));
  for (let pass = 0; pass < RADIX_PASSES; pass++) {
    const hist = gpu.makeTensorInfo([RADIX_BINS], 'int32', new Int32Array(RADIX_BINS));
    gpu.runWebGPUProgram(new RadixHistogramProgram(workgroups), [scores, mask, state], 'int32', [int(elements), int(pass), int(dropMode)], hist);
    const next = gpu.runWebGPUProgram(new RadixScanProgram(), [hist, state], 'int32', [int(pass)]);
    gpu.disposeData(hist.dataId);
    gpu.disposeData(state.dataId);
    state = next;
  }
  const out = gpu.runWebGPUProgram(new RadixApplyProgram(elements, workgroups), [scores, mask, state], 'float32', [int(elements), int(dropMode)]);
  gpu.disposeData(state.dataId);
  return out;
};

/** The WebGPU implementation of `@topiary/core`'s mask-select kernel (WGSL radix select; ties to the lower index). */
export const webGpuMaskSelectKernel: KernelConfig = { kernelName: MASK_SELECT_KERNEL, backendName: 'webgpu', kernelFunc: maskSelectOnWebGpu };

/** Registers {@link webGpuMaskSelectKernel} unless a mask-select kernel is already registered for `webgpu`. */
export function registerWebGpuMaskSelect(): void {
  if (getKernel(MASK_SELECT_KERNEL, 'webgpu') === undefined) registerKernel(webGpuMaskSelectKernel);
}
