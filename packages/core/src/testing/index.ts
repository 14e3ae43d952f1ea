export { runConformanceSuite } from './conformance.js';
export type { ConformanceContext, ConformanceOptions, ConformanceStrategy } from './conformance.js';
export { syntheticBatches, tinyMlp, toTensors } from './fixtures.js';
export type { HostBatch } from './fixtures.js';
export { contextOf, disposeContext, layerOf, valuesOf } from './score-context.js';
export { blockReferenceStrategies, fanInReferenceStrategies, gradientGrow, magnitude, momentumGrow, nmReferenceStrategies, proportional, randomGrow, referenceStrategies, saliency, uniformTest } from './reference-strategies.js';
export { countMaskSelectCalls, runMaskSelectSuite } from './mask-select-suite.js';
export type { MaskSelectSuiteOptions } from './mask-select-suite.js';
