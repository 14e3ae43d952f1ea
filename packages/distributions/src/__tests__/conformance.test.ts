import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { cosineSchedule, updateSchedule } from '@topiary/core';
import type { DropCriterion, GrowCriterion, SparseStrategy } from '@topiary/core';
import { runConformanceSuite } from '@topiary/core/testing';
import type { ConformanceContext } from '@topiary/core/testing';
import { erdosRenyi, erdosRenyiKernel, momentumRedistribution } from '../index.js';

// Minimal criteria for the engine run: the concrete ones live in other packages, which this one does not
// depend on. Drop the smallest |w| (RigL); grow the largest |momentum| (SNFS).
const magnitude: DropCriterion = { kind: 'magnitude', score: ({ weight }) => tf.abs(weight) };
const momentumGrow: GrowCriterion = {
  kind: 'momentum',
  needs: { momentum: true },
  score: ({ momentum }) => tf.abs(momentum!),
};

/** SNFS-style strategy: magnitude drop, momentum growth, momentum redistribution over `distribution`. */
function snfs(distribution: SparseStrategy['distribution']): (context: ConformanceContext) => SparseStrategy {
  return (context: ConformanceContext): SparseStrategy => ({
    name: `snfs-${distribution.kind}`,
    sparsity: context.sparsity,
    distribution,
    init: { kind: 'random' },
    update: {
      schedule: updateSchedule({ begin: 0, end: context.totalSteps, every: context.updateEvery }),
      drop: magnitude,
      grow: momentumGrow,
      dropFraction: cosineSchedule({ initial: 0.5, end: context.totalSteps, floor: 0.005 }),
      redistribution: momentumRedistribution(),
    },
  });
}

runConformanceSuite({
  name: '@topiary/distributions',
  setup: async () => {
    await tf.setBackend('cpu');
  },
  strategies: {
    'ERK with SNFS momentum redistribution': { create: snfs(erdosRenyiKernel()), masks: 'change', redistributes: true },
    'ER, static masks': {
      create: (context) => ({ name: 'static-er', sparsity: context.sparsity, distribution: erdosRenyi(), init: { kind: 'random' } }),
      masks: 'fixed',
    },
  },
});
