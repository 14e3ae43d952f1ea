import * as tf from '@tensorflow/tfjs-core';
import { hostFloats } from './host-values.js';

// tfjs's SGD and momentum steps done on the host for the fused step: the same float32 operations in the same order as
// SGDOptimizer.applyGradients and MomentumOptimizer.applyGradients (tfjs-core 4), written into the optimizer's own
// variables (the weights and its momentum slots, which stay the state that getWeights, setWeights and checkpoints
// read), with its own scalars (−learning rate and the momentum it was built with) and its iteration count. It saves
// the four tfjs ops per variable of a momentum step (two assigns remain). Any other optimizer, or a subclass of these
// (which may change the step), is left to applyGradients.

/** The fields of tfjs's SGDOptimizer and MomentumOptimizer that their steps read. */
interface SgdFields {
  readonly c: tf.Scalar;
  incrementIterations(): void;
}

interface MomentumFields extends SgdFields {
  readonly m: tf.Scalar;
  readonly useNesterov: boolean;
  readonly accumulations: ({ readonly variable: tf.Variable } | undefined)[];
}

const f32 = Math.fround;

/** Gives `variable` the values `values` (a new tensor, assigned and released: the variable keeps the data). */
function assignValues(variable: tf.Variable, values: Float32Array): void {
  const tensor = tf.tensor1d(values, 'float32');
  variable.assign(tensor);
  tensor.dispose();
}

/**
 * One optimizer step on the host when `optimizer` is exactly tfjs's `SGDOptimizer` or `MomentumOptimizer` (with its
 * momentum slots already made, by an earlier `applyGradients` or `setWeights`): `gradients[j]` for `variables[j]`,
 * whose current values are `weights[j]`. Returns false, changing nothing, where it does not apply.
 */
export function hostOptimizerStep(optimizer: tf.Optimizer, variables: readonly tf.Variable[], gradients: readonly Float32Array[], weights: readonly Float32Array[]): boolean {
  const prototype = Object.getPrototypeOf(optimizer) as unknown;
  if (prototype === tf.SGDOptimizer.prototype) {
    const sgd = optimizer as unknown as SgdFields;
    const c = f32(hostFloats(sgd.c)[0]!);
    variables.forEach((variable, j) => {
      const g = gradients[j]!;
      const v = weights[j]!;
      const next = new Float32Array(g.length);
      for (let k = 0; k < g.length; k++) next[k] = f32(c * g[k]!) + v[k]!;
      assignValues(variable, next);
    });
    sgd.incrementIterations();
    return true;
  }
  if (prototype !== tf.MomentumOptimizer.prototype) return false;
  const momentum = optimizer as unknown as MomentumFields;
  const slots = variables.map((variable, j) => {
    const slot = momentum.accumulations[j]?.variable;
    return slot !== undefined && !slot.isDisposed && slot.size === variable.size ? slot : undefined;
  });
  if (slots.some((s) => s === undefined)) return false;
  const c = f32(hostFloats(momentum.c)[0]!);
  const m = f32(hostFloats(momentum.m)[0]!);
  variables.forEach((variable, j) => {
    const g = gradients[j]!;
    const v = weights[j]!;
    const accumulation = hostFloats(slots[j]!);
    const nextAccumulation = new Float32Array(g.length);
    const next = new Float32Array(g.length);
    for (let k = 0; k < g.length; k++) nextAccumulation[k] = f32(m * accumulation[k]!) + g[k]!;
    if (momentum.useNesterov) for (let k = 0; k < g.length; k++) next[k] = f32(c * f32(g[k]! + f32(nextAccumulation[k]! * m))) + v[k]!;
    else for (let k = 0; k < g.length; k++) next[k] = f32(c * nextAccumulation[k]!) + v[k]!;
    assignValues(slots[j]!, nextAccumulation);
    assignValues(variable, next);
  });
  momentum.incrementIterations();
  return true;
}
