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

// One strategy keeps the suite short on software adapters: it exercises masks, gradients, optimizer slots,
// checkpoints and leaks, i.e. everything a backend can get wrong.
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
    },
  });
});
