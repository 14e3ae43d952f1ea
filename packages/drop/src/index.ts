export { magnitudeDrop } from './magnitude-drop.js';
export type { MagnitudeDropOptions } from './magnitude-drop.js';
export { randomDrop } from './random-drop.js';
export { saliencyDrop } from './saliency-drop.js';
export { setDrop } from './set-drop.js';
export { dropCriterionKinds } from './kinds.js';
export type { DropCriterionKind } from './kinds.js';
