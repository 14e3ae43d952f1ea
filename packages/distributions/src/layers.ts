import { check } from '@topiary/core';
import type { LayerShape } from '@topiary/core';

/**
 * Checks the masked layers handed to a distribution: at least one layer, unique kernel names, and shape
 * facts that agree with each other (positive integer dimensions whose product is `size`).
 */
export function checkLayers(layers: readonly LayerShape[], field = 'layers'): void {
  check(
    Array.isArray(layers) && layers.length > 0,
    field,
    Array.isArray(layers) ? [] : layers,
    'a non-empty list of masked layers (dense or convolution kernels); a model with no prunable layer cannot be sparsified',
  );
  const seen = new Set<string>();
  layers.forEach((layer, i) => {
    const at = `${field}[${i}]`;
    check(typeof layer?.name === 'string' && layer.name.length > 0, `${at}.name`, layer?.name, 'a non-empty string');
    check(!seen.has(layer.name), `${at}.name`, layer.name, 'unique among the layers');
    seen.add(layer.name);
    check(typeof layer.layerName === 'string', `${at}.layerName`, layer.layerName, 'a string');
    check(layer.kind === 'dense' || layer.kind === 'conv' || layer.kind === 'embedding', `${at}.kind`, layer.kind, '"dense", "conv" or "embedding"');
    check(
      Array.isArray(layer.shape) && layer.shape.length > 0 && layer.shape.every((d) => Number.isInteger(d) && d > 0),
      `${at}.shape`,
      layer.shape,
      'a non-empty list of positive integers',
    );
    const product = layer.shape.reduce((a, b) => a * b, 1);
    check(layer.size === product, `${at}.size`, layer.size, `the product of the shape (${product})`);
    check(Number.isInteger(layer.fanIn) && layer.fanIn > 0, `${at}.fanIn`, layer.fanIn, 'a positive integer');
    check(Number.isInteger(layer.fanOut) && layer.fanOut > 0, `${at}.fanOut`, layer.fanOut, 'a positive integer');
  });
}

/** Whether `key` names the layer, by its owning layer's name or by its kernel variable's name. */
export function namesLayer(layer: LayerShape, key: string): boolean {
  return layer.layerName === key || layer.name === key;
}

/** A short list of the names a user may refer to, for error messages. */
export function describeAvailableNames(layers: readonly LayerShape[]): string {
  const layerNames = [...new Set(layers.map((l) => l.layerName))].map((n) => JSON.stringify(n));
  const example = layers[0] === undefined ? '' : ` (kernel names such as ${JSON.stringify(layers[0].name)} also match)`;
  return `available layer names: ${layerNames.join(', ')}${example}`;
}

/**
 * Resolves a list of user-given layer names to layer indices. Every name must match at least one layer
 * (by `layerName` or `name`); otherwise throws naming the unknown names and listing the available ones.
 */
export function resolveLayerNames(layers: readonly LayerShape[], names: readonly string[], field: string): Set<number> {
  const unknown = names.filter((key) => !layers.some((layer) => namesLayer(layer, key)));
  check(unknown.length === 0, field, unknown, `names of masked layers; ${describeAvailableNames(layers)}`);
  const indices = new Set<number>();
  layers.forEach((layer, i) => {
    if (names.some((key) => namesLayer(layer, key))) indices.add(i);
  });
  return indices;
}
