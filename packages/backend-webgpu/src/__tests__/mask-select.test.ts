import '@tensorflow/tfjs-core';
import { runMaskSelectSuite } from '@topiary/core/testing';
import { afterAll, describe } from 'vitest';
import { probeWebGpu, releaseWebGpu, webgpu } from '../index.js';

const probe = await probeWebGpu();
if (!probe.available) console.warn(`WebGPU mask-select tests skipped, no adapter: ${probe.reason}`);

// The WGSL radix select must pick exactly what the host quickselect picks; a few seconds on SwiftShader.
describe.skipIf(!probe.available)(`webgpu (${probe.adapterInfo})`, () => {
  afterAll(() => {
    releaseWebGpu();
  });
  runMaskSelectSuite({
    name: 'webgpu radix select',
    setup: async () => {
      await webgpu().setup();
    },
  });
});
