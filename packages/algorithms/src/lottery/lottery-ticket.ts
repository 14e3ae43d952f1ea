import * as tf from '@tensorflow/tfjs-core';
import { check, densityBudget, findPrunableKernels, SparseTrainer } from '@topiary/core';
import type { SparseStrategy, SparseTrainerOptions, TrainerEvent } from '@topiary/core';
import { uniform } from '@topiary/distributions';
import { lotteryPruneCount, pruneByMagnitude, type LotteryScope } from './magnitude-prune.js';

/** The model type a lottery round trains (the `tf.LayersModel` of `SparseTrainer`). */
export type LotteryModel = SparseTrainer['model'];

/** A round's trainer options: everything but the strategy, which the runner builds from the round's masks. */
export type LotteryTrainerOptions = Omit<SparseTrainerOptions, 'strategy'>;

/** What `train` is told about the round it trains. */
export interface LotteryRound {
  /** Round index; round 0 trains the dense network. */
  readonly round: number;
  /** Sparsity of the round's masks over the masked layers. */
  readonly sparsity: number;
  /**
   * Step of the original training run the weights stand at when the round starts: 0 in round 0, the rewind step k
   * afterwards. A round after a rewind to k should train the remaining steps (batches and learning rate from k on).
   */
  readonly startStep: number;
}

/** One finished round, as the runner records it. */
export interface LotteryRoundRecord<M> {
  /** Round index. */
  readonly round: number;
  /** Sparsity of the masks the round trained under, over the masked layers. */
  readonly sparsity: number;
  /** Active weights of every masked layer during the round, in layer order. */
  readonly active: readonly number[];
  /** Masked layers' names, in the order of `active`. */
  readonly layers: readonly string[];
  /** What `train` returned. */
  readonly metrics: M;
}

/** Options of {@link lotteryTicket}. */
export interface LotteryTicketOptions<M> {
  /** Builds the network a round trains; called once per round. Its weights are replaced by the rewound ones from round 1 on. */
  readonly createModel: (round: number) => LotteryModel | Promise<LotteryModel>;
  /** The trainer options of a round; return a fresh optimizer each round (optimizer state is not rewound). The runner disposes it with the round's model. */
  readonly trainerOptions: (round: number) => LotteryTrainerOptions;
  /** Trains one round with `trainer` (e.g. `trainer.step` over the batches) and returns its metrics. */
  readonly train: (trainer: SparseTrainer, round: LotteryRound) => Promise<M>;
  /** Training rounds, the dense round 0 included (≥ 1); give this or `targetSparsity`. */
  readonly rounds?: number;
  /** Sparsity at which to stop, in (0, 1): the last round prunes only down to it; give this or `rounds`. */
  readonly targetSparsity?: number;
  /** Fraction p of the remaining weights pruned after each round, in (0, 1). @default 0.2 */
  readonly pruneFraction?: number;
  /** `layer`: every layer loses p of its weights; `global`: p of all masked weights by one ranking. @default 'layer' */
  readonly scope?: LotteryScope;
  /** Step k whose weights (recorded in round 0) the survivors are rewound to; 0 is the initialisation. @default { step: 0 } */
  readonly rewind?: { readonly step: number };
  /** Called with each round's record as soon as it is finished. */
  readonly onRound?: (record: LotteryRoundRecord<M>) => void;
}

/** What {@link lotteryTicket} returns. */
export interface LotteryTicketResult<M> {
  /** Every round's record, in order. */
  readonly rounds: readonly LotteryRoundRecord<M>[];
  /** The masks of the last round (the ticket). */
  readonly masks: readonly Uint8Array[];
  /** The last round's trainer, with its trained model (`trainer.model`) and optimizer; the caller disposes all three (earlier rounds' are disposed). */
  readonly trainer: SparseTrainer;
}

/** Checks the options whole, before anything is built; returns them with defaults. */
function checkOptions<M>(options: LotteryTicketOptions<M>): { rounds: number | undefined; target: number | undefined; fraction: number; scope: LotteryScope; rewindStep: number } {
  check(options != null && typeof options === 'object', 'lotteryTicket options', options, 'an object');
  for (const field of ['createModel', 'trainerOptions', 'train'] as const) check(typeof options[field] === 'function', `lotteryTicket.${field}`, typeof options[field], 'a function');
  check(options.onRound === undefined || typeof options.onRound === 'function', 'lotteryTicket.onRound', typeof options.onRound, 'a function');
  const { rounds, targetSparsity: target } = options;
  check(!(rounds !== undefined && target !== undefined), 'lotteryTicket.rounds', rounds, `absent when targetSparsity (${target}) is given: give one of them`);
  check(rounds !== undefined || target !== undefined, 'lotteryTicket.rounds', rounds, 'a positive integer, or give targetSparsity');
  if (rounds !== undefined) check(Number.isInteger(rounds) && rounds >= 1, 'lotteryTicket.rounds', rounds, 'an integer ≥ 1 (training rounds, the dense round 0 included)');
  if (target !== undefined) check(Number.isFinite(target) && target > 0 && target < 1, 'lotteryTicket.targetSparsity', target, 'a number in (0, 1)');
  const fraction = options.pruneFraction ?? 0.2;
  check(Number.isFinite(fraction) && fraction > 0 && fraction < 1, 'lotteryTicket.pruneFraction', fraction, 'a number in (0, 1)');
  const scope = options.scope ?? 'layer';
  check(scope === 'layer' || scope === 'global', 'lotteryTicket.scope', scope, "'layer' or 'global'");
  const rewind = options.rewind ?? { step: 0 };
  check(rewind != null && typeof rewind === 'object', 'lotteryTicket.rewind', rewind, 'an object { step }');
  check(Number.isInteger(rewind.step) && rewind.step >= 0, 'lotteryTicket.rewind.step', rewind.step, 'an integer step ≥ 0');
  return { rounds, target, fraction, scope, rewindStep: rewind.step };
}

/** The strategy of one round: static masks, dense in round 0 and the pruned masks afterwards. */
function roundStrategy(masks: readonly Uint8Array[] | undefined, sparsity: number): SparseStrategy {
  return { name: 'lottery-ticket', sparsity, distribution: uniform(), init: masks ? { kind: 'masks', masks } : { kind: 'dense' } };
}

/** Sets every model weight to the recorded values, after checking that the model has as many weights of the same shapes. */
function rewindWeights(model: LotteryModel, saved: readonly { readonly name: string; readonly values: tf.Tensor }[], round: number): void {
  const weights = model.weights;
  // by position and shape: tfjs numbers the layer names of every new model, so names differ between rounds
  const same = weights.length === saved.length && weights.every((w, i) => tf.util.arraysEqual(w.shape as number[], saved[i]!.values.shape));
  if (!same) {
    const got = weights.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ');
    const want = saved.map((w) => `${w.name} [${w.values.shape.join(', ')}]`).join(', ');
    throw new Error(`lotteryTicket.createModel(${round}) must build the same network every round: expected weights ${want}, got ${got}`);
  }
  weights.forEach((w, i) => (w.read() as tf.Variable).assign(saved[i]!.values));
}

/**
 * Lottery tickets by iterative magnitude pruning (Frankle & Carbin 2019, "The Lottery Ticket Hypothesis"; rewinding:
 * Frankle, Dziugaite, Roy & Carbin 2020, "Linear Mode Connectivity and the Lottery Ticket Hypothesis"): train the
 * dense network (round 0), prune p of the remaining weights by |w| per layer or globally, rewind the survivors to
 * their values θ_k at step k of round 0 (k = 0: the initialisation θ_0), pruned weights 0, and retrain with the mask
 * held fixed; repeat for `rounds` rounds or until `targetSparsity`, so that round n trains at sparsity ≈ 1 − (1 − p)^n.
 * Every round's sparsity, per-layer active counts and `train` metrics are recorded. Every model weight (biases and
 * unmasked layers too) is rewound; optimizer state is not (each round takes a fresh optimizer).
 */
export async function lotteryTicket<M>(options: LotteryTicketOptions<M>): Promise<LotteryTicketResult<M>> {
  const { rounds, target, fraction, scope, rewindStep } = checkOptions(options);
  const records: LotteryRoundRecord<M>[] = [];
  const optimizers = new Set<tf.Optimizer>();
  let rewound: { readonly name: string; readonly values: tf.Tensor }[] | undefined;
  let masks: Uint8Array[] | undefined;
  try {
    for (let round = 0; ; round++) {
      const model = await options.createModel(round);
      let trainer: SparseTrainer | undefined;
      let optimizer: tf.Optimizer | undefined;
      let keep = false;
      try {
        if (rewound) rewindWeights(model, rewound, round);
        const given = options.trainerOptions(round);
        check(given != null && typeof given === 'object', `lotteryTicket.trainerOptions(${round})`, given, 'an object of SparseTrainer options without strategy');
        check(!('strategy' in given), `lotteryTicket.trainerOptions(${round}).strategy`, 'a strategy', 'absent (each round trains the static masks the runner builds)');
        check(!optimizers.has(given.optimizer), `lotteryTicket.trainerOptions(${round}).optimizer`, 'the optimizer of an earlier round', 'a fresh optimizer each round (optimizer state is not rewound)');
        check(given.optimizer instanceof tf.Optimizer, `lotteryTicket.trainerOptions(${round}).optimizer`, typeof given.optimizer, 'a tfjs Optimizer');
        optimizers.add(given.optimizer);
        optimizer = given.optimizer;
        const kernels = findPrunableKernels(model, given.layers);
        const sizes = kernels.map((k) => k.shape.size);
        const total = sizes.reduce((a, b) => a + b, 0);
        const actives = masks ? masks.map((m) => m.reduce((s, v) => s + v, 0)) : sizes;
        const sparsity = 1 - actives.reduce((a, b) => a + b, 0) / total;
        // record θ_k in round 0: at initialisation for k = 0, else when the k-th step has been counted
        const record = (): void => {
          if (rewound) return;
          rewound = model.weights.map((w) => ({ name: w.name, values: tf.clone(w.read()) }));
        };
        const onEvent = (event: TrainerEvent): void => {
          if (round === 0 && rewindStep > 0 && event.type === 'step' && trainer?.stepCount === rewindStep) record();
          given.onEvent?.(event);
        };
        trainer = new SparseTrainer(model, { ...given, strategy: roundStrategy(masks, sparsity), onEvent });
        await trainer.initialize();
        if (round === 0 && rewindStep === 0) record();
        const metrics = await options.train(trainer, { round, sparsity, startStep: round === 0 ? 0 : rewindStep });
        if (!rewound) {
          throw new Error(`lotteryTicket.rewind.step: round 0 took ${trainer.stepCount} steps, fewer than the rewind step ${rewindStep}, so its weights were never recorded (train with trainer.step, which records them)`);
        }
        const entry: LotteryRoundRecord<M> = { round, sparsity, active: actives, layers: kernels.map((k) => k.shape.layerName), metrics };
        records.push(entry);
        options.onRound?.(entry);

        const current = trainer.masks();
        const floors = target === undefined ? undefined : scope === 'layer' ? sizes.map((s) => densityBudget(1 - target, s)) : [densityBudget(1 - target, total)];
        const groupActives = scope === 'layer' ? actives : [actives.reduce((a, b) => a + b, 0)];
        const counts = groupActives.map((a, i) => lotteryPruneCount(a, fraction, floors?.[i]));
        const done = rounds !== undefined ? round + 1 >= rounds : counts.every((c) => c === 0);
        if (done) {
          keep = true;
          return { rounds: records, masks: current, trainer };
        }
        const weights = await Promise.all(kernels.map((k) => k.variable.data()));
        masks = pruneByMagnitude(current, weights, counts, scope);
      } finally {
        if (!keep) {
          trainer?.dispose();
          optimizer?.dispose();
          model.dispose();
        }
      }
    }
  } finally {
    if (rewound) tf.dispose(rewound.map((w) => w.values));
  }
}
