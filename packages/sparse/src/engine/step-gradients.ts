import * as tf from '@tensorflow/tfjs-core';

/** A step's loss and gradients, checked for finiteness, before the optimizer step: applied, or discarded for a skipped batch. */
export interface StepGradients {
  /** The loss of the batch (float32). */
  readonly loss: number;
  /** Whether the loss and every gradient are finite. */
  readonly finite: boolean;
  /** Hands the gradients (with weight decay) to `optimizer.applyGradients` as tensors named after the variables, then releases them. */
  apply(optimizer: tf.Optimizer): void;
  /** Releases the gradients without a step. */
  discard(): void;
}

/**
 * The step by tfjs ops: `tf.variableGrads` of `lossOf` over `trainable`, one read of the loss and of a finiteness
 * flag over the loss and every gradient, and weight decay (g + λ·w, PyTorch-SGD semantics) as tfjs ops.
 */
export async function graphStepGradients(trainable: readonly tf.Variable[], lossOf: () => tf.Scalar, weightDecay: number): Promise<StepGradients> {
  const { value, grads } = tf.variableGrads(lossOf, [...trainable]);
  const probe = tf.tidy(() => {
    const finite = [value, ...trainable.map((v) => grads[v.name]!)].map((t) => tf.all(tf.isFinite(t)));
    return tf.stack([tf.reshape(tf.cast(value, 'float32'), []), tf.cast(tf.all(tf.stack(finite)), 'float32')]);
  });
  const [loss, allFinite] = (await probe.data()) as Float32Array;
  probe.dispose();
  value.dispose();
  return {
    loss: loss!,
    finite: allFinite === 1,
    apply(optimizer) {
      // the gradients themselves, or with weight decay new tensors (no copy of an nnz-sized gradient without decay)
      const ordered = tf.tidy(() =>
        trainable.map((variable) => {
          const g = grads[variable.name]!;
          return { name: variable.name, tensor: weightDecay > 0 ? tf.keep(tf.add(g, tf.mul(variable, weightDecay))) : g };
        }),
      );
      optimizer.applyGradients(ordered);
      tf.dispose([...Object.values(grads), ...ordered.map((e) => e.tensor)].filter((t, i, all) => all.indexOf(t) === i));
    },
    discard() {
      tf.dispose(grads);
    },
  };
}
