import { referenceStrategies, runConformanceSuite } from '@topiary/core/testing';
import { cpu } from '../index.js';

// Core runs every reference strategy on cpu already; here one dynamic and one static strategy suffice.
runConformanceSuite({
  name: 'cpu',
  setup: async () => {
    await cpu().setup();
  },
  strategies: {
    'gradient growth (RigL-like)': referenceStrategies['gradient growth (RigL-like)']!,
    static: referenceStrategies.static!,
  },
});
