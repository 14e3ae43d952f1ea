import { customDescriptor } from './custom.js';
import { denseDescriptor } from './dense.js';
import { granetDescriptor } from './granet.js';
import { magnitudePruningDescriptor } from './magnitude-pruning.js';
import { mestDescriptor } from './mest.js';
import { nmRiglDescriptor } from './nm-rigl.js';
import { riglDescriptor } from './rigl.js';
import { setDescriptor } from './set.js';
import { snfsDescriptor } from './snfs.js';
import { snipDescriptor } from './snip.js';
import { staticSparseDescriptor } from './static-sparse.js';

export { rigl, riglDescriptor } from './rigl.js';
export type { RiglOptions } from './rigl.js';
export { set, setDescriptor } from './set.js';
export type { SetOptions } from './set.js';
export { snfs, snfsDescriptor } from './snfs.js';
export type { SnfsOptions } from './snfs.js';
export { staticSparse, staticSparseDescriptor } from './static-sparse.js';
export type { StaticSparseOptions } from './static-sparse.js';
export { snip, snipDescriptor } from './snip.js';
export type { SnipOptions } from './snip.js';
export { magnitudePruning, magnitudePruningDescriptor } from './magnitude-pruning.js';
export type { MagnitudePruningOptions } from './magnitude-pruning.js';
export { dense, denseDescriptor } from './dense.js';
export { mest, mestDescriptor } from './mest.js';
export type { MestOptions } from './mest.js';
export { granet, granetDescriptor } from './granet.js';
export { nmRigl, nmRiglDescriptor } from './nm-rigl.js';
export type { NmRiglOptions } from './nm-rigl.js';
export type { GranetOptions } from './granet.js';
export { custom, customDescriptor, scheduleConfigSchema } from './custom.js';
export type { CustomOptions, ScheduleConfig } from './custom.js';
export type { DropScheduleKind } from './common.js';

/** Every preset this package provides, one descriptor each; a JSON config's `method` names one of them. */
export const presetDescriptors = Object.freeze([riglDescriptor, setDescriptor, snfsDescriptor, staticSparseDescriptor, snipDescriptor, magnitudePruningDescriptor, denseDescriptor, customDescriptor, mestDescriptor, granetDescriptor, nmRiglDescriptor]);
