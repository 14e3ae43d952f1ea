import type * as tf from '@tensorflow/tfjs-core';
import { CustomCallback } from '@tensorflow/tfjs-layers';
import type { SparseTrainer } from './trainer.js';

/** Options of {@link fitCallback}. */
export interface FitCallbackOptions {
  /**
   * Batch size for FLOPs accounting when `fit` does not report one. `fit` and `fitDataset` report each batch's
   * real size (the last batch of an epoch may be smaller), and that is what is counted.
   * @default the size `fit` reports
   */
  batchSize?: number;
  /**
   * A batch whose dense gradient stands in for the current batch at update steps (the callback does not
   * see `fit`'s batches); required when the strategy grows or drops by gradient.
   */
  probeBatch?: () => { x: tf.Tensor; y: tf.Tensor };
}

/**
 * A `model.fit` callback for users who keep `fit`: masks are chosen before training, inactive weights are
 * zeroed again after every batch, and scheduled mask updates run at batch ends.
 *
 * What it cannot do, compared with {@link SparseTrainer.step}: gradients are not masked before the optimizer
 * (inactive weights receive updates that are then zeroed, and their momentum/Adam state keeps accumulating
 * between updates); gradient criteria see the dense gradient of `probeBatch`, not of `fit`'s current batch;
 * momentum criteria (SNFS) need the dense gradient at every step and are refused. Pass the model's compiled
 * optimizer as the trainer's optimizer so that slot resets reach it. To train exactly as `step` does, compile with
 * {@link sparseOptimizer} instead.
 */
export function fitCallback(trainer: SparseTrainer, options: FitCallbackOptions = {}): CustomCallback {
  if (trainer.needsDenseGradientEveryStep) {
    throw new Error(`fitCallback: strategy ${trainer.strategy.name} needs the dense gradient at every step (momentum criteria); use SparseTrainer.step instead of model.fit`);
  }
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize <= 0)) {
    throw new RangeError(`fitCallback: batchSize must be a positive integer, got ${options.batchSize}`);
  }
  return new CustomCallback({
    onTrainBegin: async () => {
      const probe = options.probeBatch?.();
      await trainer.initialize(probe?.x, probe?.y);
    },
    onBatchEnd: async (_batch, logs) => {
      const reported = logs?.['size'];
      const size = typeof reported === 'number' && Number.isInteger(reported) && reported > 0 ? reported : options.batchSize;
      if (size === undefined) throw new Error('fitCallback: model.fit did not report the batch size (logs.size); pass batchSize');
      await trainer.afterExternalStep(size, options.probeBatch?.());
    },
  });
}
