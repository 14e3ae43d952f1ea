export { contextOf, disposeContext, layerOf, valuesOf } from '@topiary/core/testing';
