import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOptimizer, disposeOptimizer } from '../build-optimizer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Two steps on f(w) = w²/2 (gradient w) from w = 1; returns w. */
async function twoSteps(optimizer: tf.Optimizer): Promise<number> {
  const initial = tf.scalar(1);
  const w = tf.variable(initial);
  initial.dispose();
  for (let i = 0; i < 2; i++) optimizer.minimize(() => tf.mul(tf.square(w), 0.5) as tf.Scalar, false, [w]);
  const value = (await w.data())[0]!;
  w.dispose();
  disposeOptimizer(optimizer);
  return value;
}

describe('buildOptimizer', () => {
  it('builds SGD, heavy-ball momentum (PyTorch semantics), Nesterov and Adam', async () => {
    // SGD: 1 → 0.9 → 0.81
    expect(await twoSteps(buildOptimizer({ kind: 'sgd' }, 0.1))).toBeCloseTo(0.81, 6);
    // momentum: v1 = 1, w1 = 0.9; v2 = 0.5·1 + 0.9 = 1.4, w2 = 0.9 − 0.14 = 0.76
    expect(await twoSteps(buildOptimizer({ kind: 'momentum', momentum: 0.5 }, 0.1))).toBeCloseTo(0.76, 6);
    const nesterov = await twoSteps(buildOptimizer({ kind: 'nesterov', momentum: 0.5 }, 0.1));
    expect(nesterov).not.toBeCloseTo(0.76, 3);
    // Adam's first steps move by ≈ lr each
    expect(await twoSteps(buildOptimizer({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, 0.1))).toBeCloseTo(0.8, 2);
  });

  it.each(['sgd', 'momentum', 'nesterov', 'adam'] as const)('%s leaves no tensors behind once disposed', async (kind) => {
    const before = tf.memory().numTensors;
    const config =
      kind === 'adam' ? { kind, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } : kind === 'sgd' ? { kind } : { kind, momentum: 0.9 };
    const optimizer = buildOptimizer(config, 0.1);
    (optimizer as tf.SGDOptimizer).setLearningRate?.(0.05);
    await twoSteps(optimizer);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a non-positive learning rate', () => {
    expect(() => buildOptimizer({ kind: 'sgd' }, 0)).toThrow(/learningRate must be a positive finite number, got 0/);
  });
});
