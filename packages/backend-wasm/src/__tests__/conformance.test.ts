import { referenceStrategies, runConformanceSuite } from '@topiary/core/testing';
import { wasm } from '../index.js';

runConformanceSuite({
  name: 'wasm',
  setup: async () => {
    await wasm().setup();
  },
  strategies: {
    'gradient growth (RigL-like)': referenceStrategies['gradient growth (RigL-like)']!,
    'momentum growth with redistribution (SNFS-like)': referenceStrategies['momentum growth with redistribution (SNFS-like)']!,
    static: referenceStrategies.static!,
  },
});
