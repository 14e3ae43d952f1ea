import * as tf from '@tensorflow/tfjs-core';
import { cosineSchedule, updateSchedule } from '@topiary/core';
import type { Distribution, DropCriterion, GrowCriterion, SparseStrategy } from '@topiary/core';
import { type ConformanceContext, runConformanceSuite } from '@topiary/core/testing';
import { wasm } from '../index.js';

// Minimal criteria on core's types alone (a backend package does not depend on the criterion packages).
/** Uniform: every masked layer at the overall sparsity. */
const uniform: Distribution = { kind: 'uniform', densities: (layers, sparsity) => layers.map(() => 1 - sparsity) };
/** Magnitude drop, score |w| (Han et al. 2015). */
const magnitude: DropCriterion = { kind: 'magnitude', score: ({ weight }) => tf.abs(weight) };
/** Gradient growth, score |∂L/∂w| of the dense gradient (RigL, Evci et al. 2020). */
const gradientGrowth: GrowCriterion = { kind: 'gradient', needs: { gradient: true }, score: ({ gradient }) => tf.abs(gradient!) };
/** Momentum growth, score |m| of the dense-gradient momentum (SNFS, Dettmers & Zettlemoyer 2019). */
const momentumGrowth: GrowCriterion = { kind: 'momentum', needs: { momentum: true }, score: ({ momentum }) => tf.abs(momentum!) };

function dynamic(name: string, grow: GrowCriterion) {
  return ({ sparsity, totalSteps, updateEvery }: ConformanceContext): SparseStrategy => ({
    name,
    sparsity,
    distribution: uniform,
    init: { kind: 'random' },
    update: {
      schedule: updateSchedule({ begin: 0, end: Math.floor(totalSteps * 0.75), every: updateEvery }),
      drop: magnitude,
      grow,
      dropFraction: cosineSchedule({ initial: 0.3, end: Math.floor(totalSteps * 0.75) }),
    },
  });
}

runConformanceSuite({
  name: 'wasm',
  setup: async () => {
    await wasm().setup();
  },
  strategies: {
    'gradient growth (RigL-like)': { masks: 'change', create: dynamic('rigl-wasm', gradientGrowth) },
    'momentum growth (SNFS-like, no redistribution)': { masks: 'change', create: dynamic('snfs-wasm', momentumGrowth) },
    static: {
      masks: 'fixed',
      create: ({ sparsity }) => ({ name: 'static-wasm', sparsity, distribution: uniform, init: { kind: 'random' } }),
    },
  },
});
