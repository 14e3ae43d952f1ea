export { contextOf, disposeContext, layerOf, valuesOf } from '@topiary/core/testing';

/** Mean and (population) standard deviation. */
export function moments(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}
