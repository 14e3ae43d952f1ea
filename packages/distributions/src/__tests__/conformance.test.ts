import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { cosineSchedule, updateSchedule } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import { magnitude, momentumGrow, runConformanceSuite } from '@topiary/core/testing';
import type { ConformanceContext } from '@topiary/core/testing';
import { erdosRenyi, erdosRenyiKernel, momentumRedistribution } from '../index.js';

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
