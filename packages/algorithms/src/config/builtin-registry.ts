import { scheduleDescriptors } from '@topiary/core';
import { distributionDescriptors, redistributionDescriptors } from '@topiary/distributions';
import { dropCriterionDescriptors } from '@topiary/drop';
import { growCriterionDescriptors, growInitializerDescriptors } from '@topiary/grow';
import { presetDescriptors } from '../presets/index.js';
import { ComponentRegistry } from './component-registry.js';

/** Every built-in component of the Topiary packages: criteria, initialisers, distributions, redistributions, schedules and presets. */
export const builtinRegistry = ComponentRegistry.empty().with(
  [...dropCriterionDescriptors, ...growCriterionDescriptors, ...growInitializerDescriptors, ...distributionDescriptors, ...redistributionDescriptors, ...scheduleDescriptors, ...presetDescriptors],
  'built-in',
);
