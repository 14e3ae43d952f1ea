// tfjs-core's entry must load before its gradient registrations (its Node entry registers none), or training finds no gradients.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { referenceStrategies, runConformanceSuite } from '@topiary/core/testing';
import { afterAll, describe, vi } from 'vitest';
import { probeWebGpu, releaseWebGpu, webgpu } from '../index.js';

const probe = await probeWebGpu();
// On a software adapter (SwiftShader) the suite takes minutes, so there it runs only in CI or when asked for.
const runOnSoftware = process.env.TOPIARY_WEBGPU_CONFORMANCE === '1' || process.env.CI === 'true';
const skipReason = !probe.available
  ? `no adapter: ${probe.reason}`
  : probe.isFallbackAdapter && !runOnSoftware
    ? `fallback (software) adapter ${probe.adapterInfo}; set TOPIARY_WEBGPU_CONFORMANCE=1 (or CI=true) to run it there (minutes)`
    : undefined;
if (skipReason !== undefined) console.warn(`WebGPU conformance skipped, ${skipReason}`);
else vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

// Three strategies cover what a backend can get wrong (masks, gradients, optimizer slots, checkpoints, leaks)
// and the paths of device selection: gradient growth, momentum growth with redistribution
// between layers, and pruning (drop only). Mask updates select with the WGSL kernel (the default `auto`).
describe.skipIf(skipReason !== undefined)('webgpu', () => {
  afterAll(() => {
    releaseWebGpu();
  });
  runConformanceSuite({
    name: `webgpu (${probe.adapterInfo})`,
    setup: async () => {
      await webgpu().setup();
    },
    strategies: {
      'gradient growth (RigL-like)': referenceStrategies['gradient growth (RigL-like)']!,
      'momentum growth with redistribution (SNFS-like)': referenceStrategies['momentum growth with redistribution (SNFS-like)']!,
      'gradual magnitude pruning': referenceStrategies['gradual magnitude pruning']!,
    },
  });
});
