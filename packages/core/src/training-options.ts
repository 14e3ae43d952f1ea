import * as tf from '@tensorflow/tfjs-core';
import type { SparseStrategy } from './types.js';
import { check } from './validate.js';

/** The options every Topiary trainer takes (the masked `SparseTrainer` and the sparse engine), before defaults. */
export interface TrainingOptionsInput {
  /** The sparse-training method. */
  readonly strategy: SparseStrategy;
  /** Any tfjs optimizer. */
  readonly optimizer: tf.Optimizer;
  /** Seed of every random choice. @default 0 */
  readonly seed?: number;
  /** L2 weight decay (PyTorch-SGD semantics). @default 0 */
  readonly weightDecay?: number;
  /** What a non-finite batch does. @default 'skip' */
  readonly nonFinite?: 'skip' | 'throw';
  /** The event listener, when given. */
  readonly onEvent?: unknown;
}

/**
 * Checks the options every trainer shares, naming the field, the value and what is allowed, and returns the
 * defaulted values: seed 0, weight decay 0, non-finite batches skipped.
 */
export function checkTrainingOptions(options: TrainingOptionsInput): { seed: number; weightDecay: number; nonFinite: 'skip' | 'throw' } {
  const { strategy, optimizer } = options;
  check(strategy != null && typeof strategy === 'object', 'strategy', strategy, 'a SparseStrategy');
  check(optimizer instanceof tf.Optimizer, 'optimizer', typeof optimizer, 'a tfjs Optimizer');
  const seed = options.seed ?? 0;
  check(Number.isInteger(seed), 'seed', seed, 'an integer');
  const weightDecay = options.weightDecay ?? 0;
  check(Number.isFinite(weightDecay) && weightDecay >= 0, 'weightDecay', weightDecay, 'a finite number ≥ 0');
  const nonFinite = options.nonFinite ?? 'skip';
  check(nonFinite === 'skip' || nonFinite === 'throw', 'nonFinite', nonFinite, "'skip' or 'throw'");
  check(options.onEvent === undefined || typeof options.onEvent === 'function', 'onEvent', typeof options.onEvent, 'a function');
  return { seed, weightDecay, nonFinite };
}
