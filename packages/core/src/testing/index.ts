export { runConformanceSuite } from './conformance.js';
export type { ConformanceContext, ConformanceOptions, ConformanceStrategy } from './conformance.js';
export { syntheticBatches, tinyMlp, toTensors } from './fixtures.js';
export type { HostBatch } from './fixtures.js';
export { contextOf, disposeContext, layerOf, valuesOf } from './score-context.js';
