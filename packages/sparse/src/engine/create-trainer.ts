import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { SparseTrainer, type SparseTrainerOptions } from '@topiary/core';
import { chooseEngine, type EngineChoice, type EngineName } from './choose-engine.js';
import { SparseEngineTrainer, type SparseEngineOptions } from './sparse-engine-trainer.js';

/** The names of the options both engines take (the rest are grouped per engine in {@link CreateTrainerOptions}). */
export type SharedTrainerOption = 'strategy' | 'optimizer' | 'loss' | 'seed' | 'weightDecay' | 'nonFinite' | 'onEvent';

/** Options of {@link createTrainer}: those both engines share, the engine, and each engine's own. */
export interface CreateTrainerOptions extends Pick<SparseTrainerOptions, SharedTrainerOption> {
  /** `masked` (`SparseTrainer`), `sparse` (`SparseEngineTrainer`) or `auto` ({@link chooseEngine} on the active backend). @default 'masked' */
  readonly engine?: EngineName | 'auto';
  /** Options only the masked engine takes (layer selection, momentum decay, warnings, selection kernel); used when it trains. @default {} */
  readonly masked?: Omit<SparseTrainerOptions, SharedTrainerOption>;
  /** Options only the sparse engine takes (products, random growth); used when it trains. @default {} */
  readonly sparse?: Omit<SparseEngineOptions, SharedTrainerOption>;
}

/** A trainer of either engine, with the choice that made it. */
export interface CreatedTrainer {
  /** The trainer: `SparseTrainer` for the masked engine, `SparseEngineTrainer` for the sparse one. */
  readonly trainer: SparseTrainer | SparseEngineTrainer;
  /** Which engine and why. */
  readonly choice: EngineChoice;
}

const ENGINES: readonly string[] = ['masked', 'sparse', 'auto'];

/**
 * One switch between the engines: the same model, strategy and options train masked (dense kernels × masks) or
 * truly sparse (the nonzeros only), or on the engine {@link chooseEngine} picks for the active backend.
 * @example
 * const { trainer, choice } = createTrainer(model, { engine: 'auto', strategy: rigl({ sparsity: 0.98, totalSteps }),
 *   optimizer: tf.train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy' });
 * console.log(choice.engine, choice.reason);
 */
export function createTrainer(model: LayersModel, options: CreateTrainerOptions): CreatedTrainer {
  const { engine = 'masked', masked = {}, sparse = {}, ...shared } = options;
  if (!ENGINES.includes(engine)) throw new Error(`createTrainer: engine must be 'masked', 'sparse' or 'auto' (got ${JSON.stringify(engine)})`);
  const choice: EngineChoice =
    engine === 'auto' ? chooseEngine(model, shared.strategy, { backend: tf.getBackend() }) : { engine, reason: `engine '${engine}' as configured` };
  const trainer = choice.engine === 'sparse' ? new SparseEngineTrainer(model, { ...sparse, ...shared }) : new SparseTrainer(model, { ...masked, ...shared });
  return { trainer, choice };
}
