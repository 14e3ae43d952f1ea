import type * as tf from '@tensorflow/tfjs-core';
import type { Checkpoint } from './checkpoint.js';
import type { FlopsReport } from './flops.js';
import type { LoadCheckpointOptions, SparsitySummary, StepResult, TrainingHealth } from './trainer.js';
import type { SparseStrategy } from './types.js';
import type { EngineDenseState } from './engine-dense-state.js';

/**
 * What every training engine offers, whichever way it holds its layers: the masked engine (`SparseTrainer`,
 * dense kernels × masks) and the sparse engine of `@topiary/sparse` (CSR nonzeros). The conformance suite runs
 * against this interface, so one suite holds both engines to the same behaviour.
 */
export interface TrainingEngine {
  /** The method. */
  readonly strategy: SparseStrategy;
  /** The optimizer. */
  readonly optimizer: tf.Optimizer;
  /** Steps taken so far. */
  readonly stepCount: number;
  /** One optimizer step on a batch, and a mask update when the schedule says so. */
  step(x: tf.Tensor, y: tf.Tensor): Promise<StepResult>;
  /** Sparsity, per-layer counts and exploration rate. */
  summary(): SparsitySummary;
  /** Each masked layer's mask as a dense 0/1 array. */
  masks(): Uint8Array[];
  /** Skipped steps and updates and warnings. */
  health(): TrainingHealth;
  /** FLOPs of inference and of the training so far. */
  flops(): FlopsReport;
  /** Everything training resumes from bit-identically. */
  saveCheckpoint(): Promise<Checkpoint>;
  /** Restores a checkpoint (validated first; a refused one changes nothing). */
  loadCheckpoint(checkpoint: Checkpoint, options?: LoadCheckpointOptions): Promise<void>;
  /** Kernels, optimizer slots and every weight, read densely (small test models only). */
  denseState(): Promise<EngineDenseState>;
  /** Releases the engine's tensors (not the model or the optimizer). */
  dispose(): void;
}
