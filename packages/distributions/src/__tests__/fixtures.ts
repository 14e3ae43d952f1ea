import fc from 'fast-check';
import type { LayerShape } from '@topiary/core';

/** A dense kernel [nIn, nOut] named `${layerName}/kernel`. */
export function denseLayer(layerName: string, nIn: number, nOut: number): LayerShape {
  return {
    name: `${layerName}/kernel`,
    layerName,
    kind: 'dense',
    shape: [nIn, nOut],
    size: nIn * nOut,
    fanIn: nIn,
    fanOut: nOut,
    kernelSize: [],
    outputPositions: 1,
    hasBias: true,
  };
}

/** A 2-D convolution kernel [kh, kw, cIn, cOut] named `${layerName}/kernel`. */
export function convLayer(layerName: string, kh: number, kw: number, cIn: number, cOut: number): LayerShape {
  return {
    name: `${layerName}/kernel`,
    layerName,
    kind: 'conv',
    shape: [kh, kw, cIn, cOut],
    size: kh * kw * cIn * cOut,
    fanIn: cIn,
    fanOut: cOut,
    kernelSize: [kh, kw],
    outputPositions: 1,
    hasBias: true,
  };
}

/** LeNet-300-100: 784-300-100-10. */
export const lenet300100: readonly LayerShape[] = [
  denseLayer('fc1', 784, 300),
  denseLayer('fc2', 300, 100),
  denseLayer('fc3', 100, 10),
];

/** A LeNet-5-like conv + dense stack. */
export const lenet5: readonly LayerShape[] = [
  convLayer('conv1', 5, 5, 1, 6),
  convLayer('conv2', 5, 5, 6, 16),
  denseLayer('fc1', 400, 120),
  denseLayer('fc2', 120, 84),
  denseLayer('fc3', 84, 10),
];

/** Σ size over the layers. */
export function totalSize(layers: readonly LayerShape[]): number {
  return layers.reduce((sum, layer) => sum + layer.size, 0);
}

/** Random stacks of 1–8 dense or conv layers with unique names. */
export const layerStackArb: fc.Arbitrary<LayerShape[]> = fc
  .array(
    fc.oneof(
      fc.record({ kind: fc.constant('dense' as const), nIn: fc.integer({ min: 1, max: 600 }), nOut: fc.integer({ min: 1, max: 600 }) }),
      fc.record({
        kind: fc.constant('conv' as const),
        k: fc.integer({ min: 1, max: 7 }),
        cIn: fc.integer({ min: 1, max: 64 }),
        cOut: fc.integer({ min: 1, max: 64 }),
      }),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((specs) =>
    specs.map((spec, i) =>
      spec.kind === 'dense' ? denseLayer(`layer${i}`, spec.nIn, spec.nOut) : convLayer(`layer${i}`, spec.k, spec.k, spec.cIn, spec.cOut),
    ),
  );

/** Sparsities in [0, 0.999]. */
export const sparsityArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999),
  fc.double({ min: 0, max: 0.999, noNaN: true }),
);
