import { describe, expect, it } from 'vitest';
import { forwardFlops, layerForwardFlops, trainingStepFlops } from '../flops.js';
import { layerOf } from '../testing/score-context.js';
import type { LayerShape } from '../types.js';

const dense = (nIn: number, nOut: number): LayerShape => layerOf([nIn, nOut]);

describe('FLOPs (RigL App. H)', () => {
  it('counts a fully connected layer as c_in·d·c_out mults plus (c_in·d − 1)·c_out + c_out adds', () => {
    const layer = dense(784, 300);
    // dense: mults 784·300, adds 783·300 + 300
    expect(layerForwardFlops(layer, layer.size)).toBe(784 * 300 + 783 * 300 + 300);
    // density 0.1: c_in·d = 78.4
    expect(layerForwardFlops(layer, layer.size * 0.1)).toBeCloseTo(78.4 * 300 + 77.4 * 300 + 300, 6);
  });

  it('counts convolutions per output position', () => {
    const conv: LayerShape = { ...dense(1, 6), kind: 'conv', shape: [5, 5, 1, 6], size: 150, kernelSize: [5, 5], outputPositions: 28 * 28 };
    expect(layerForwardFlops(conv, 150)).toBe((150 + 150 - 6 + 6) * 784);
  });

  it('LeNet-300-100 dense forward FLOPs', () => {
    const layers = [dense(784, 300), dense(300, 100), dense(100, 10)];
    expect(forwardFlops(layers, layers.map((l) => l.size))).toBe(2 * (784 * 300 + 300 * 100 + 100 * 10));
  });

  it('RigL training cost averages to (3 f_S ΔT + 2 f_S + f_D)/(ΔT + 1)', () => {
    const fS = 10;
    const fD = 100;
    const deltaT = 100;
    let total = 0;
    for (let t = 0; t < deltaT + 1; t++) total += trainingStepFlops(fS, fD, t === deltaT);
    expect(total / (deltaT + 1)).toBeCloseTo((3 * fS * deltaT + 2 * fS + fD) / (deltaT + 1), 12);
    expect(trainingStepFlops(fS, fD, true)).toBe(2 * fS + fD); // SNFS every step
    expect(trainingStepFlops(fD, fD, false)).toBe(3 * fD); // dense
  });
});
