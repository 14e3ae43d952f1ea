import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { SparseStrategy } from '@topiary/core';
import { HOST_BACKENDS } from './host-values.js';
import { modelDenseLayers } from './network-from-model.js';
import { checkSparseStrategy } from './supported-strategy.js';

/** A training engine: dense kernels times masks (`SparseTrainer`) or the nonzeros only (`SparseEngineTrainer`). */
export type EngineName = 'masked' | 'sparse';

/**
 * The sparsity at which the sparse engine's step overtakes the masked engine's, used by {@link chooseEngine}:
 * `sparseEngine.crossoverSparsity` of `pnpm bench:perf` (RigL on LeNet-300-100, batch 100, wasm backend, a 2-core
 * machine), where the two engines' measured step times cross. The perf report records it beside this value.
 */
export const SPARSE_ENGINE_CROSSOVER = 0.57;

/** What {@link chooseEngine} decided and why, in one sentence. */
export interface EngineChoice {
  /** The engine to train with. */
  readonly engine: EngineName;
  /** Why: the first reason the sparse engine does not apply, or the sparsity against the crossover. */
  readonly reason: string;
}

/** Options of {@link chooseEngine}. */
export interface ChooseEngineOptions {
  /** The tfjs backend training will run on. */
  readonly backend: string;
  /** Sparsity at and above which the sparse engine is chosen, in [0, 1]. @default {@link SPARSE_ENGINE_CROSSOVER} */
  readonly crossover?: number;
}

/**
 * The sparsity of the first masks a strategy gives: 0 for a dense start (gradual pruning), the share of zeros of
 * given masks, else the strategy's sparsity (random and scored initialisations fill each layer's budget).
 */
export function initialSparsity(strategy: SparseStrategy): number {
  const init = strategy.init;
  if (init.kind === 'dense') return 0;
  if (init.kind === 'masks') {
    let size = 0;
    let active = 0;
    for (const mask of init.masks) {
      size += mask.length;
      for (const bit of mask) active += bit;
    }
    return size === 0 ? 0 : 1 - active / size;
  }
  return strategy.sparsity;
}

/**
 * Chooses the engine for a run (the bench's `engine: 'auto'`): the sparse engine when it can hold the model (a
 * stack of Dense layers) and run the strategy, the backend is cpu or wasm (where the crossover is measured), and the first masks are at least `crossover` sparse,
 * where it is measured faster; the masked engine otherwise. Decided once, before training.
 */
export function chooseEngine(model: LayersModel, strategy: SparseStrategy, options: ChooseEngineOptions): EngineChoice {
  const crossover = options.crossover ?? SPARSE_ENGINE_CROSSOVER;
  if (!(crossover >= 0 && crossover <= 1)) throw new Error(`chooseEngine: crossover must be a number in [0, 1] (got ${String(crossover)})`);
  if (!HOST_BACKENDS.has(options.backend)) {
    return { engine: 'masked', reason: `backend '${options.backend}': the sparse engine is measured faster only on cpu and wasm (its WGSL kernels have no GPU measurement yet)` };
  }
  try {
    modelDenseLayers(model);
    checkSparseStrategy(strategy, false);
  } catch (error) {
    return { engine: 'masked', reason: (error as Error).message };
  }
  const sparsity = initialSparsity(strategy);
  const shown = `initial sparsity ${round(sparsity)}`;
  return sparsity >= crossover
    ? { engine: 'sparse', reason: `${shown} ≥ crossover ${crossover}, where the sparse engine's step is measured faster` }
    : { engine: 'masked', reason: `${shown} < crossover ${crossover}, below which the masked engine's step is measured faster` };
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
