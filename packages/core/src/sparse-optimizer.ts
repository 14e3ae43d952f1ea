import * as tf from '@tensorflow/tfjs-core';
import { CustomCallback } from '@tensorflow/tfjs-layers';
import { beginGradientStep, finishGradientStep, SparseTrainer, type PendingGradientStep } from './trainer.js';
import { check } from './validate.js';


/**
 * A `tf.Optimizer` for `model.compile` that trains with exactly the semantics of {@link SparseTrainer.step}:
 * every gradient `model.fit` computes goes through the trainer (finiteness check with skip or throw, weight decay,
 * dense-gradient momentum for momentum criteria, gradient masking, the trainer's optimizer, re-masking), and its
 * {@link SparseOptimizer.callback} finishes each step at the batch's end (FLOPs, the scheduled mask update with that
 * batch's dense gradient, optimizer-slot resets at changed positions, the step count, events).
 *
 * Limits: the finiteness flag is read with `dataSync()`, so it needs a backend with synchronous reads (cpu, wasm,
 * webgl; not webgpu in Node); compile with the trainer's loss ({@link SparseOptimizer.loss}) for bit-identical
 * gradients; strategies that score the first batch at initialisation (SNIP) need `trainer.initialize(x, y)` first.
 *
 * @example
 * ```ts
 * const trainer = new SparseTrainer(model, { strategy, optimizer: tf.train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy' });
 * const sparse = sparseOptimizer(trainer);
 * model.compile({ optimizer: sparse, loss: sparse.loss });
 * await model.fit(x, y, { batchSize: 32, epochs: 5, callbacks: [sparse.callback()] });
 * ```
 */
export class SparseOptimizer extends tf.Optimizer {
  /** Class name for tfjs serialisation. */
  static className = 'SparseOptimizer';
  /** The trainer whose step this optimizer takes. */
  readonly trainer: SparseTrainer;
  /** The trainer's loss, to pass to `model.compile` so that `fit` computes the gradients `step` would. */
  readonly loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar;
  private pending: PendingGradientStep | undefined;
  private disposed = false;

  /** Wraps a trainer; prefer {@link sparseOptimizer}. */
  constructor(trainer: SparseTrainer) {
    super();
    check(trainer instanceof SparseTrainer, 'trainer', typeof trainer, 'a SparseTrainer');
    this.trainer = trainer;
    this.loss = trainer.lossFunction;
  }

  /** Computes the gradients of `f` and takes the trainer's step with them (its loss included in the finiteness check). */
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const { value, grads } = this.computeGradients(f, varList);
    try {
      this.take(grads, value);
    } catch (error) {
      value.dispose();
      throw error;
    } finally {
      tf.dispose(grads);
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** Takes the trainer's step with gradients computed elsewhere (finiteness checked on the gradients alone). */
  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const grads: tf.NamedTensorMap = Array.isArray(variableGradients) ? Object.fromEntries(variableGradients.map((g) => [g.name, g.tensor])) : variableGradients;
    this.take(grads, undefined);
  }

  /**
   * The `model.fit` callback that goes with this optimizer: chooses the masks at the start of training and finishes
   * every step at its batch's end (FLOPs for the batch size `fit` reports, the scheduled mask update, the step count).
   */
  callback(): CustomCallback {
    return new CustomCallback({
      onTrainBegin: async () => {
        this.assertUsable();
        const model = this.trainer.model as unknown as { optimizer?: unknown };
        if (model.optimizer !== this) {
          throw new Error('sparseOptimizer: the trainer\'s model is not compiled with this optimizer; call trainer.model.compile({ optimizer: sparse, loss: sparse.loss }) and fit trainer.model');
        }
        if (this.trainer.initialized) return;
        const init = this.trainer.strategy.init;
        if (init.kind === 'scored' && init.criterion.needs?.gradient) {
          throw new Error(`sparseOptimizer: strategy ${this.trainer.strategy.name} scores the first batch to choose its masks (init '${init.kind}'); call await trainer.initialize(x, y) with that batch before model.fit`);
        }
        await this.trainer.initialize();
      },
      onBatchEnd: async (_batch, logs) => {
        const pending = this.pending;
        if (pending === undefined) return; // a skipped step: nothing to finish
        this.pending = undefined;
        const size = logs?.['size'];
        if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
          tf.dispose(pending.denseGrads);
          throw new Error(`sparseOptimizer: model.fit reported batch size ${String(size)} (logs.size); a positive integer is needed for FLOPs accounting`);
        }
        await finishGradientStep(this.trainer, pending, size);
      },
    });
  }

  /** The trainer's optimizer's iteration count. */
  override get iterations(): number {
    return this.trainer.optimizer.iterations;
  }

  /** The trainer's optimizer's configuration. */
  getConfig(): tf.serialization.ConfigDict {
    return this.trainer.optimizer.getConfig();
  }

  /** The trainer's optimizer's weights (its slots). */
  override async getWeights(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    return this.trainer.optimizer.getWeights();
  }

  /** Sets the trainer's optimizer's weights (its slots). */
  override async setWeights(weightValues: { name: string; tensor: tf.Tensor }[]): Promise<void> {
    await this.trainer.optimizer.setWeights(weightValues);
  }

  /** Releases a step left unfinished (not the trainer or its optimizer, which stay the caller's). */
  override dispose(): void {
    if (this.pending) tf.dispose(this.pending.denseGrads);
    this.pending = undefined;
    this.disposed = true;
  }

  private take(grads: tf.NamedTensorMap, value: tf.Tensor | undefined): void {
    this.assertUsable();
    if (this.pending) {
      const step = this.pending.plan.step;
      tf.dispose(this.pending.denseGrads);
      this.pending = undefined;
      throw new Error(`sparseOptimizer: step ${step} was not finished before the next batch; pass sparse.callback() in model.fit's callbacks (it runs the mask updates and counts the steps)`);
    }
    const taken = beginGradientStep(this.trainer, grads, value, 'sparseOptimizer');
    this.pending = taken.pending;
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this SparseOptimizer has been disposed');
  }
}

/** A {@link SparseOptimizer} for `model.compile` that makes `model.fit` train exactly as {@link SparseTrainer.step}. */
export function sparseOptimizer(trainer: SparseTrainer): SparseOptimizer {
  return new SparseOptimizer(trainer);
}
