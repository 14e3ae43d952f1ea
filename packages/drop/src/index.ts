export { magnitudeDrop, magnitudeDropDescriptor } from './magnitude-drop.js';
export type { MagnitudeDropOptions } from './magnitude-drop.js';
export { randomDrop, randomDropDescriptor } from './random-drop.js';
export { saliencyDrop, saliencyDropDescriptor } from './saliency-drop.js';
export { setDrop, setDropDescriptor } from './set-drop.js';
export { dropCriterionDescriptors, dropCriterionKinds } from './descriptors.js';
export type { DropCriterionKind } from './descriptors.js';
