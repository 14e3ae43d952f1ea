import { check, checkPositiveInteger } from '@topiary/core';
import type { LayerShape } from '@topiary/core';

/**
 * Inputs feeding one output unit: `layer.fanIn` for a dense kernel, `layer.fanIn` (input channels) times the
 * product of `layer.kernelSize` for a convolution kernel (He et al. 2015, §2.2: n = k² c).
 */
export function receptiveFanIn(layer: LayerShape): number {
  checkPositiveInteger(layer.fanIn, 'layer.fanIn');
  check(
    layer.kernelSize.every((k) => Number.isInteger(k) && k > 0),
    'layer.kernelSize',
    layer.kernelSize,
    'a list of positive integers',
  );
  return layer.kernelSize.reduce((product, k) => product * k, layer.fanIn);
}
