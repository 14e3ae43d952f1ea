import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { cosineSchedule, updateSchedule } from '@topiary/core';
import type { Distribution, DropCriterion, GrowCriterion } from '@topiary/core';
import { runConformanceSuite } from '@topiary/core/testing';
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

// Minimal criteria on core's types alone (a backend package does not depend on the criterion packages).
const uniform: Distribution = { kind: 'uniform', densities: (layers, sparsity) => layers.map(() => 1 - sparsity) };
/** Magnitude drop, score |w| (Han et al. 2015). */
const magnitude: DropCriterion = { kind: 'magnitude', score: ({ weight }) => tf.abs(weight) };
/** Gradient growth, score |∂L/∂w| of the dense gradient (RigL, Evci et al. 2020). */
const gradientGrowth: GrowCriterion = {
  kind: 'gradient',
  needs: { gradient: true },
  score: ({ gradient }) => tf.abs(gradient!),
};

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
      'gradient growth (RigL-like)': {
        masks: 'change',
        create: ({ sparsity, totalSteps, updateEvery }) => ({
          name: 'rigl-webgpu',
          sparsity,
          distribution: uniform,
          init: { kind: 'random' },
          update: {
            schedule: updateSchedule({ begin: 0, end: Math.floor(totalSteps * 0.75), every: updateEvery }),
            drop: magnitude,
            grow: gradientGrowth,
            dropFraction: cosineSchedule({ initial: 0.3, end: Math.floor(totalSteps * 0.75) }),
          },
        }),
      },
    },
  });
});
