import { magnitudeDropDescriptor } from './magnitude-drop.js';
import { mestDropDescriptor } from './mest-drop.js';
import { randomDropDescriptor } from './random-drop.js';
import { saliencyDropDescriptor } from './saliency-drop.js';
import { setDropDescriptor } from './set-drop.js';

/** Every drop criterion this package provides, one descriptor each; JSON configs, registries and listings derive from it. */
export const dropCriterionDescriptors = Object.freeze([magnitudeDropDescriptor, randomDropDescriptor, saliencyDropDescriptor, setDropDescriptor, mestDropDescriptor]);

/** Every drop-criterion kind this package provides, in the order of {@link dropCriterionDescriptors}. */
export const dropCriterionKinds = Object.freeze(dropCriterionDescriptors.map((d) => d.kind));

/** The kind of a drop criterion from this package. */
export type DropCriterionKind = (typeof dropCriterionKinds)[number];
