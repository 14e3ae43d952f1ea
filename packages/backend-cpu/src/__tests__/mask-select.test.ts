import { runMaskSelectSuite } from '@topiary/core/testing';
import { cpu } from '../index.js';

runMaskSelectSuite({
  name: 'cpu',
  setup: async () => {
    await cpu().setup();
  },
});
