import { definePlugin } from '@topiary/bench';
import { unitRelativeDropDescriptor } from './unit-relative-drop.js';

// What a suite's "plugins" (or `topiary bench --plugin`) loads: the unit-relative drop criterion, beside the built-ins.
export default definePlugin({ components: [unitRelativeDropDescriptor] });
