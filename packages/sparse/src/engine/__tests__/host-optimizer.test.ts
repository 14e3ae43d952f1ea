import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '@topiary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostOptimizerStep } from '../host-optimizer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SIZES = [37, 5, 12];
let made = 0;

function randomArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Two copies of the same variables, stepped by `optimizer()` through applyGradients and on the host; returns whether every value and slot stays bitwise equal. */
async function sideBySide(optimizer: () => tf.Optimizer, steps: number, between?: (a: tf.Optimizer, b: tf.Optimizer, step: number) => void): Promise<{ equal: boolean; hostSteps: number }> {
  const rng = Rng.fromSeed(1);
  const initial = SIZES.map((n) => randomArray(rng, n));
  const run = ++made;
  const a = initial.map((v, j) => tf.variable(tf.tensor1d(v), true, `host-opt-${run}/a${j}`));
  const b = initial.map((v, j) => tf.variable(tf.tensor1d(v), true, `host-opt-${run}/b${j}`));
  const [optA, optB] = [optimizer(), optimizer()];
  let hostSteps = 0;
  for (let step = 0; step < steps; step++) {
    between?.(optA, optB, step);
    const grads = SIZES.map((n) => randomArray(rng, n));
    const named = a.map((v, j) => ({ name: v.name, tensor: tf.tensor1d(grads[j]!) }));
    optA.applyGradients(named);
    tf.dispose(named.map((e) => e.tensor));
    const weights = b.map((v) => (v.dataSync() as Float32Array).slice());
    if (hostOptimizerStep(optB, b, grads, weights)) hostSteps++;
    else {
      const namedB = b.map((v, j) => ({ name: v.name, tensor: tf.tensor1d(grads[j]!) }));
      optB.applyGradients(namedB);
      tf.dispose(namedB.map((e) => e.tensor));
    }
  }
  const values = (vs: tf.Variable[]): number[][] => vs.map((v) => Array.from(v.dataSync()));
  const slots = async (o: tf.Optimizer): Promise<number[][]> => (await o.getWeights()).map((w) => Array.from(w.tensor.dataSync()));
  const equal = JSON.stringify(values(a)) === JSON.stringify(values(b)) && JSON.stringify(await slots(optA)) === JSON.stringify(await slots(optB));
  tf.dispose([...a, ...b]);
  optA.dispose();
  optB.dispose();
  return { equal, hostSteps };
}

describe('hostOptimizerStep', () => {
  it.each([
    ['SGD', () => tf.train.sgd(0.037)],
    ['momentum', () => tf.train.momentum(0.05, 0.9)],
    ['Nesterov momentum', () => tf.train.momentum(0.05, 0.85, true)],
  ] as const)('%s: bitwise the values, slots and iteration count of applyGradients, over 20 steps', async (_, optimizer) => {
    const { equal, hostSteps } = await sideBySide(optimizer, 20);
    expect(equal).toBe(true);
    // momentum makes its slots at the first applyGradients: the host steps from the second step on
    expect(hostSteps).toBeGreaterThanOrEqual(19);
  });

  it('follows a learning rate changed between steps', async () => {
    const { equal, hostSteps } = await sideBySide(() => tf.train.momentum(0.05, 0.9), 10, (a, b, step) => {
      if (step === 4) for (const o of [a, b]) (o as tf.MomentumOptimizer).setLearningRate(0.013);
    });
    expect(equal).toBe(true);
    expect(hostSteps).toBe(9);
  });

  it('leaves other optimizers, subclasses and slots of another size to applyGradients, changing nothing', async () => {
    class Clipped extends tf.SGDOptimizer {}
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, 'host-opt-other/v');
    const g = [new Float32Array([1, 1, 1])];
    const w = [v.dataSync() as Float32Array];
    expect(hostOptimizerStep(tf.train.adam(0.1), [v], g, w)).toBe(false);
    expect(hostOptimizerStep(new Clipped(0.1), [v], g, w)).toBe(false);
    const momentum = tf.train.momentum(0.1, 0.9);
    expect(hostOptimizerStep(momentum, [v], g, w)).toBe(false);
    await momentum.setWeights([{ name: 'iter', tensor: tf.scalar(0, 'int32') }, { name: 'host-opt-other/v/momentum', tensor: tf.zeros([4]) }]);
    expect(hostOptimizerStep(momentum, [v], g, w)).toBe(false);
    expect(Array.from(v.dataSync())).toEqual([1, 2, 3]);
    v.dispose();
    momentum.dispose();
  });
});
