import { runMaskSelectSuite } from '@topiary/core/testing';
import { wasm } from '../index.js';

runMaskSelectSuite({
  name: 'wasm',
  setup: async () => {
    await wasm().setup();
  },
});
