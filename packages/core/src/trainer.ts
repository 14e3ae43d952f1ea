import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { flopsReport, forwardFlops, trainingStepFlops, type FlopsReport } from './flops.js';
import { findKernelLayers, type KernelLayer, type LayerSelectionOptions, type PrunableKernel } from './layers.js';
import { resolveLoss, type LossFunction, type LossName } from './losses.js';
import { createMaskState, type MaskState } from './mask-state.js';
import { setOptimizerLearningRate } from './optimizer-learning-rate.js';
import { checkTrainingOptions } from './training-options.js';
import { checkGivenMasks, initialMasks } from './mask-init.js';
import { blockBudgets, blockViolation } from './block-groups.js';
import { ablationViolation } from './fan-in-ablation.js';
import { checkGranularity } from './check-granularity.js';
import { groupLayouts, nmFirstViolation, type GroupLayout } from './n-m-groups.js';
import { planUpdate, applyUpdatePlan, releaseUpdatePlan } from './mask-update.js';
import { deviceMaskSelection } from './mask-selection-device.js';
import { hostMaskSelection } from './mask-selection-host.js';
import { hasMaskSelectKernel } from './mask-select-kernel.js';
import { resetOptimizerSlots } from './optimizer-slots.js';
import { Rng } from './rng.js';
import { isUpdateStep } from './schedules.js';
import type { CriterionNeeds, SparseStrategy } from './types.js';
import { check, checkNonNegativeInteger } from './validate.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint.js';
import type { EngineDenseState } from './engine-dense-state.js';
import { restoreOptimizerState } from './optimizer-state.js';
import { maskDiffCounts, readLearningRate, type LayerUpdateCounts, type TrainerEventListener, type TrainerMaskUpdateEvent, type TrainerStepEvent } from './trainer-events.js';

/** Options of {@link SparseTrainer}. */
export interface SparseTrainerOptions {
  /** The sparse-training method (see `@topiary/algorithms` for presets). */
  strategy: SparseStrategy;
  /** Any tfjs optimizer: SGD, momentum (with or without Nesterov), Adam, … */
  optimizer: tf.Optimizer;
  /** Loss by name or as a function of (yTrue, yPred). */
  loss: LossName | LossFunction;
  /** Seed of every random choice the engine makes (masks, random criteria, grown-weight init). @default 0 */
  seed?: number;
  /** L2 weight decay with PyTorch-SGD semantics (g ← g + λ·w before the optimizer step, all weights). @default 0 */
  weightDecay?: number;
  /** Which layers are masked. @default every Dense and convolution kernel */
  layers?: LayerSelectionOptions;
  /** Decay β of the dense-gradient momentum m ← β·m + (1 − β)·g kept for momentum criteria. @default 0.9 */
  momentumDecay?: number;
  /**
   * Receives the first warning of each {@link TrainerWarningKind} (later ones of the same kind are only counted,
   * see {@link SparseTrainer.health}). @default console.warn
   */
  onWarning?: (message: string, warning: TrainerWarning) => void;
  /**
   * Where mask updates choose the weights to drop and grow. `host` reads the scores and selects on the CPU
   * (quickselect). `device` keeps scores on the device and selects through the backend's mask-select kernel
   * (`maskSelect`: a WGSL radix select on WebGPU, the same quickselect on CPU and WASM, tfjs `topk` on other
   * backends); both break ties by the lower index where a kernel is registered, so they select the same
   * weights. `auto` is `device` on the `webgpu` backend when its kernel is registered (`webgpu().setup()` of
   * `@topiary/backend-webgpu` does that) and `host` otherwise. Timings: docs/backends.md.
   * @default 'auto'
   */
  selection?: 'auto' | 'host' | 'device';
  /**
   * What a step whose loss or gradient is not finite (NaN, ±Inf) does. `skip` takes nothing from the batch:
   * weights, optimizer state and its iteration count, masks, the dense-gradient momentum, the generator, the
   * step counter and the FLOPs counters stay as they were (the next batch is taken at the same step index, so
   * a scheduled mask update happens at the next good batch); the step is counted in
   * {@link TrainingHealth.skippedSteps} and warned about once. `throw` raises an Error naming the step, with
   * the trainer unchanged (the step is still counted in `health()`, but not passed to `onWarning`). Checking
   * costs one reduced flag, read with the loss in the step's one `await data()`.
   * @default 'skip'
   */
  nonFinite?: 'skip' | 'throw';
  /**
   * Receives a {@link TrainerStepEvent} after every step and a {@link TrainerMaskUpdateEvent} after every scheduled
   * mask update (before its step's event): loss, learning rate, step time, per-layer active, dropped and grown
   * counts, exploration rate. Events are plain data computed from values the trainer already holds on the host
   * (no extra tensor reads); without a listener none of it is computed. @default no listener
   */
  onEvent?: TrainerEventListener;
}

/** Options of {@link SparseTrainer.loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /** Accept a checkpoint whose weights, optimizer slots or momentum hold NaN or ±Inf (refused otherwise). @default false */
  allowNonFinite?: boolean;
}

/** What one training step reports. */
export interface StepResult {
  /** The step index just taken (0-based). */
  readonly step: number;
  /** The batch loss before the optimizer step. */
  readonly loss: number;
  /** Whether masks changed at this step. */
  readonly maskUpdated: boolean;
  /** Whether the step was skipped because its loss or gradient was not finite (then nothing changed and `step` was not consumed). */
  readonly skipped: boolean;
}

/** One masked layer in a {@link SparsitySummary}. */
export interface LayerSummary {
  /** Kernel variable name. */
  readonly name: string;
  /** Owning layer name. */
  readonly layerName: string;
  /** Weights in the kernel. */
  readonly size: number;
  /** Active (nonzero-allowed) weights. */
  readonly active: number;
  /** active / size. */
  readonly density: number;
}

/** Sparsity facts of the masked layers at the current step. */
export interface SparsitySummary {
  /** Steps taken. */
  readonly step: number;
  /** 1 − active / total over masked layers. */
  readonly sparsity: number;
  /** Active weights over masked layers. */
  readonly activeWeights: number;
  /** All weights of masked layers. */
  readonly totalWeights: number;
  /** In-time over-parameterisation (Liu et al. 2021): fraction of masked weights that were ever active. */
  readonly explorationRate: number;
  /** Per-layer counts, in layer order. */
  readonly layers: readonly LayerSummary[];
}

/** What a trainer warns about; each kind is reported once through `onWarning` and counted every time. */
export type TrainerWarningKind =
  /** A step's loss or gradient was not finite and the step was skipped (or, with `nonFinite: 'throw'`, refused). */
  | 'non-finite-step'
  /** A mask update was skipped because its scores were not finite. */
  | 'non-finite-update'
  /** Optimizer slots at grown positions could not be reset (unknown optimizer layout). */
  | 'slots-not-reset';

/** One kind of warning with how often and when it happened. */
export interface TrainerWarning {
  /** What happened. */
  readonly kind: TrainerWarningKind;
  /** The message of the first occurrence. */
  readonly message: string;
  /** How many times it happened. */
  readonly count: number;
  /** Step index of the first occurrence. */
  readonly firstStep: number;
  /** Step index of the latest occurrence. */
  readonly lastStep: number;
}

/** Counters that say whether training went as scheduled: skipped steps and updates, and every warning. */
export interface TrainingHealth {
  /** Steps whose loss or gradient was not finite and that were skipped (nothing changed). */
  readonly skippedSteps: number;
  /** Mask updates the schedule asked for (at steps that were not skipped). */
  readonly scheduledUpdates: number;
  /** Scheduled mask updates that were skipped (non-finite scores). */
  readonly skippedUpdates: number;
  /** Every kind of warning seen, in the order first seen. */
  readonly warnings: readonly TrainerWarning[];
}

/** What a step at one index does, decided before its gradients are computed. @internal */
export interface StepPlan {
  /** The step index. */
  readonly step: number;
  /** Whether the schedule updates the masks at this step. */
  readonly updateNow: boolean;
  /** Whether the dense gradients of the masked layers are kept (momentum, or a gradient criterion at an update). */
  readonly keepDense: boolean;
}

/** A step begun by {@link beginGradientStep} and not yet finished. @internal */
export interface PendingGradientStep {
  /** The step's plan. */
  readonly plan: StepPlan;
  /** The batch loss (NaN when the gradients came without one). */
  readonly loss: number;
  /** Dense gradients of the masked layers kept for the update (released when the step is finished). */
  readonly denseGrads: tf.Tensor[];
  /** When the step started, for its event. */
  readonly started: number;
  /** The learning rate at the start of the step, for its event. */
  readonly learningRate: number | undefined;
}

/** What {@link beginGradientStep} did: skipped the step, or applied it and left it to finish. @internal */
export type ExternalGradientStep = { readonly skipped: StepResult; readonly pending?: undefined } | { readonly pending: PendingGradientStep; readonly skipped?: undefined };

/** tfjs optimizers whose update is exactly zero for a zero gradient with zero state (class names). */
const ZERO_PRESERVING_OPTIMIZERS: ReadonlySet<string> = new Set(['SGD', 'Momentum', 'Adam', 'RMSProp', 'Adagrad', 'Adadelta', 'Adamax']);

function mergeNeeds(...needs: (CriterionNeeds | undefined)[]): Required<CriterionNeeds> {
  return {
    gradient: needs.some((n) => n?.gradient === true),
    momentum: needs.some((n) => n?.momentum === true),
  };
}

/**
 * The sparse training engine: owns the training step (forward, loss, gradients, weight decay, optimizer step,
 * mask re-application), the mask updates of the strategy, the step counter, FLOPs accounting and checkpoints.
 *
 * Tensor ownership: the trainer owns its masks, momentum buffers and every intermediate tensor; the model,
 * the optimizer and the batches passed to {@link SparseTrainer.step} stay the caller's. Each step leaves
 * `tf.memory().numTensors` where it found it once the optimizer's slots exist.
 *
 * @example
 * ```ts
 * const trainer = new SparseTrainer(model, { strategy: rigl({ sparsity: 0.9, totalSteps }), optimizer: tf.train.momentum(0.1, 0.9), loss: 'categoricalCrossentropy' });
 * for (const { x, y } of batches) await trainer.step(x, y);
 * console.log(trainer.summary().sparsity);
 * ```
 */
export class SparseTrainer {
  /** The model being trained. */
  readonly model: LayersModel;
  /** The strategy in use. */
  readonly strategy: SparseStrategy;
  /** The optimizer in use. */
  readonly optimizer: tf.Optimizer;
  private readonly loss: LossFunction;
  private readonly weightDecay: number;
  private readonly momentumDecay: number;
  private readonly warn: (message: string, warning: TrainerWarning) => void;
  private readonly selection: 'auto' | 'host' | 'device';
  private readonly nonFinite: 'skip' | 'throw';
  private readonly onEvent: TrainerEventListener | undefined;
  /** The event of the mask update of the current step, sent once the step is counted. */
  private pendingUpdateEvent: TrainerMaskUpdateEvent | undefined;
  private readonly kernelLayers: KernelLayer[];
  private readonly masked: PrunableKernel[];
  /** Every masked layer's groups under the strategy's granularity; undefined when unstructured. */
  private readonly groups: readonly GroupLayout[] | undefined;
  private readonly trainable: tf.Variable[];
  private readonly needsEveryStep: Required<CriterionNeeds>;
  private readonly needsAtUpdate: Required<CriterionNeeds>;
  private readonly warningsSeen = new Map<TrainerWarningKind, TrainerWarning>();
  private scheduledUpdates = 0;
  private skippedUpdates = 0;
  private skippedSteps = 0;
  /** Re-mask weights after every optimizer step: slots could not be reset, or state came from a checkpoint. */
  private remaskEveryStep = false;
  private rng: Rng;
  private state: MaskState | undefined;
  private momentum: tf.Variable[] | undefined;
  private steps = 0;
  private trainingFlops = 0;
  private denseTrainingFlops = 0;
  private disposed = false;
  private readonly denseForwardFlops: number;
  private sparseForwardCache: { state: MaskState; version: number; value: number } | undefined;

  /** Validates the options and finds the masked layers; masks are chosen at the first step. */
  constructor(model: LayersModel, options: SparseTrainerOptions) {
    const { strategy, optimizer } = options;
    const { seed, weightDecay, nonFinite } = checkTrainingOptions(options);
    const momentumDecay = options.momentumDecay ?? 0.9;
    check(Number.isFinite(momentumDecay) && momentumDecay >= 0 && momentumDecay < 1, 'momentumDecay', momentumDecay, 'a number in [0, 1)');
    const selection = options.selection ?? 'auto';
    check(selection === 'auto' || selection === 'host' || selection === 'device', 'selection', selection, "'auto', 'host' or 'device'");
    this.model = model;
    this.strategy = strategy;
    this.optimizer = optimizer;
    this.loss = resolveLoss(options.loss);
    this.weightDecay = weightDecay;
    this.momentumDecay = momentumDecay;
    this.warn = options.onWarning ?? ((message) => console.warn(`[topiary] ${message}`));
    this.selection = selection;
    this.nonFinite = nonFinite;
    this.onEvent = options.onEvent;
    this.rng = Rng.fromSeed(seed);
    this.kernelLayers = findKernelLayers(model, options.layers);
    this.masked = this.kernelLayers.filter((k) => k.masked);
    if (this.masked.length === 0) {
      throw new Error('model has no prunable layer: Topiary masks the kernels of Dense, Conv1D, Conv2D and Conv3D layers, and none was selected');
    }
    this.trainable = model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.denseForwardFlops = forwardFlops(
      this.kernelLayers.map((k) => k.shape),
      this.kernelLayers.map((k) => k.shape.size),
    );
    const update = strategy.update;
    if (update !== undefined) {
      check(update.scope === undefined || update.scope === 'layer' || update.scope === 'global', 'strategy.update.scope', update.scope, "'layer' or 'global'");
      check(!(update.scope === 'global' && update.redistribution), 'strategy.update.redistribution', update.redistribution?.kind ?? 'redistribution', "absent under scope 'global' (both decide per-layer counts)");
      check(!(update.redistribution && !update.grow), 'strategy.update.redistribution', update.redistribution?.kind ?? 'redistribution', 'used only with a grow criterion (redistribution decides where regrowth goes)');
      check(!(update.targetSparsity && update.dropFraction && !update.grow), 'strategy.update.grow', update.grow, 'a grow criterion when targetSparsity and dropFraction are both given (the drop fraction is regrown; without growth masks would prune past the target)');
    }
    const momentumNeeds = mergeNeeds(update?.drop.needs, update?.grow?.needs, update?.redistribution?.needs);
    this.needsEveryStep = { gradient: momentumNeeds.momentum, momentum: momentumNeeds.momentum };
    this.needsAtUpdate = momentumNeeds;
    // Validate the distribution against the model now, so that a bad custom map fails before training.
    strategy.distribution.densities(
      this.masked.map((k) => k.shape),
      strategy.sparsity,
    );
    checkGranularity(strategy, this.masked.map((k) => k.shape));
    this.groups = groupLayouts(strategy, this.masked.map((k) => k.shape));
    checkGivenMasks(strategy, this.masked.map((k) => k.shape));
  }

  /** The loss function in use (the `loss` option, resolved). */
  get lossFunction(): LossFunction {
    return this.loss;
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** Whether the masks have been chosen (they are at the first step or by {@link SparseTrainer.initialize}). */
  get initialized(): boolean {
    return this.state !== undefined;
  }

  /** Sets the optimizer's learning rate (SGD, momentum, Adam and the other tfjs optimizers). */
  setLearningRate(learningRate: number): void {
    setOptimizerLearningRate(this.optimizer, learningRate);
  }


  /**
   * Chooses the first masks and zeroes the inactive weights. Called by the first {@link SparseTrainer.step};
   * call it yourself to inspect masks before training. Strategies that score the first batch (SNIP) need `x`, `y`.
   */
  async initialize(x?: tf.Tensor, y?: tf.Tensor): Promise<void> {
    this.assertUsable();
    if (this.state) return;
    const init = this.strategy.init;
    let gradients: tf.NamedTensorMap | undefined;
    if (init.kind === 'scored' && init.criterion.needs?.gradient) {
      if (!x || !y) throw new Error(`strategy ${this.strategy.name}: init '${init.kind}' scores the first batch, so initialize(x, y) needs a batch`);
      gradients = this.denseGradients(x, y);
      // the scoring pass is a dense forward and backward pass over one batch
      this.trainingFlops += x.shape[0]! * 3 * this.denseForwardFlops;
    }
    try {
      const masks = await initialMasks({
        strategy: this.strategy,
        kernels: this.masked,
        gradients,
        rng: this.rng,
      });
      this.state = createMaskState(this.masked, masks);
      this.state.applyToWeights();
    } finally {
      if (gradients) tf.dispose(gradients);
    }
    if (this.needsEveryStep.momentum) {
      this.momentum = this.masked.map((k) => tf.tidy(() => tf.variable(tf.zerosLike(k.variable), false)));
    }
  }

  /**
   * One optimizer step on a batch, and a mask update when the schedule says so. A batch whose loss or gradient
   * is not finite is skipped or refused (option `nonFinite`) before anything changes. Never reads tensors
   * synchronously: the loss and the finiteness flag are read together with one `await data()`, before the
   * optimizer step.
   */
  async step(x: tf.Tensor, y: tf.Tensor): Promise<StepResult> {
    this.assertUsable();
    const started = this.onEvent ? performance.now() : 0;
    const learningRate = this.onEvent ? readLearningRate(this.optimizer) : undefined;
    this.pendingUpdateEvent = undefined;
    if (!this.state) await this.initialize(x, y);
    const plan = this.planStep();

    const { value, grads } = tf.variableGrads(() => this.loss(y, this.model.apply(x, { training: true }) as tf.Tensor), this.trainable);
    // The step's one read, before anything changes: [loss, 1 when the loss and every gradient are finite].
    const probe = this.finiteProbe(value, grads);
    const [loss, allFinite] = (await probe.data()) as Float32Array;
    probe.dispose();
    if (allFinite !== 1) {
      value.dispose();
      tf.dispose(grads);
      return this.refuseNonFinite(plan.step, loss!, started, learningRate);
    }
    let denseGrads: tf.Tensor[];
    try {
      denseGrads = this.applyMaskedGradients(plan, grads);
    } finally {
      tf.dispose(grads);
      value.dispose();
    }
    return this.finishStep(plan, x.shape[0]!, loss!, denseGrads, started, learningRate);
  }

  /**
   * For `SparseOptimizer`: the synchronous part of {@link SparseTrainer.step} on gradients computed elsewhere
   * (`model.fit`): the finiteness check (read with `dataSync`), weight decay, gradient masking, the optimizer step,
   * re-masking and the dense-gradient momentum. Returns the skipped step, or the step to finish with
   * `finishExternalGradientStep`. The caller keeps `grads` and `value`.
   */
  private externalGradientStep(grads: tf.NamedTensorMap, value: tf.Tensor | undefined, caller: string): ExternalGradientStep {
    this.assertUsable();
    const started = this.onEvent ? performance.now() : 0;
    const learningRate = this.onEvent ? readLearningRate(this.optimizer) : undefined;
    this.pendingUpdateEvent = undefined;
    if (!this.state) {
      throw new Error(`${caller}: masks are not chosen yet; pass its callback() in model.fit's callbacks (it chooses them at the start of training) or call trainer.initialize() first`);
    }
    const expected = this.trainable.map((v) => v.name);
    const given = Object.keys(grads);
    const missing = expected.filter((name) => grads[name] == null);
    const extra = given.filter((name) => !expected.includes(name));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `${caller}: gradients are for [${given.join(', ')}] but the trainer's model trains [${expected.join(', ')}]` +
          `${missing.length > 0 ? ` (missing ${missing.join(', ')})` : ''}${extra.length > 0 ? ` (not the trainer's: ${extra.join(', ')})` : ''}; ` +
          'compile the trainer\'s model (trainer.model) with this optimizer and fit that model',
      );
    }
    const plan = this.planStep();
    const probe = this.finiteProbe(value, grads);
    let read: Float32Array;
    try {
      read = probe.dataSync() as Float32Array;
    } catch (error) {
      throw new Error(`${caller}: reading the step's finiteness flag synchronously (dataSync) failed on backend '${tf.getBackend()}' (${(error as Error).message}); it needs a backend with synchronous reads (cpu, wasm, webgl): use SparseTrainer.step on this one`);
    } finally {
      probe.dispose();
    }
    const loss = value === undefined ? undefined : read[0]!;
    if (read[value === undefined ? 0 : 1] !== 1) return { skipped: this.refuseNonFinite(plan.step, loss, started, learningRate) };
    const denseGrads = this.applyMaskedGradients(plan, grads);
    return { pending: { plan, loss: loss ?? Number.NaN, denseGrads, started, learningRate } };
  }

  /**
   * For `SparseOptimizer`: the asynchronous rest of a step begun by `externalGradientStep`: FLOPs accounting
   * for `batchSize` samples, the scheduled mask update with the step's dense gradients, the step count and the
   * events. Releases the step's dense gradients.
   */
  private async finishExternalGradientStep(pending: PendingGradientStep, batchSize: number): Promise<StepResult> {
    this.assertUsable();
    checkNonNegativeInteger(batchSize, 'batchSize');
    return this.finishStep(pending.plan, batchSize, pending.loss, pending.denseGrads, pending.started, pending.learningRate);
  }

  /** What the step at the current index does, decided before its gradients are computed. */
  private planStep(): StepPlan {
    const step = this.steps;
    const update = this.strategy.update;
    const updateNow = update !== undefined && isUpdateStep(update.schedule, step);
    const keepDense = this.needsEveryStep.gradient || (updateNow && this.needsAtUpdate.gradient);
    return { step, updateNow, keepDense };
  }

  /** [loss, 1 when the loss and every gradient are finite], or [flag] without a loss. */
  private finiteProbe(value: tf.Tensor | undefined, grads: tf.NamedTensorMap): tf.Tensor {
    return tf.tidy(() => {
      const gradients = this.trainable.map((v) => grads[v.name]!);
      const finite = (value === undefined ? gradients : [value, ...gradients]).map((t) => tf.all(tf.isFinite(t)));
      const flag = tf.cast(tf.all(tf.stack(finite)), 'float32');
      return value === undefined ? tf.reshape(flag, [1]) : tf.stack([tf.reshape(tf.cast(value, 'float32'), []), flag]);
    });
  }

  /** Counts a non-finite step and throws (`nonFinite: 'throw'`) or returns it as skipped, nothing changed. */
  private refuseNonFinite(step: number, loss: number | undefined, started: number, learningRate: number | undefined): StepResult {
    this.skippedSteps++;
    const what = loss === undefined || Number.isFinite(loss) ? 'a gradient is not finite' : `the loss is ${loss}`;
    if (this.nonFinite === 'throw') {
      this.warnOnce('non-finite-step', step, `step ${step}: ${what}; the step was refused and nothing changed (nonFinite: 'throw')`, false);
      throw new Error(`step ${step}: ${what}; the step was refused and nothing changed (nonFinite: 'throw'; use 'skip' to skip such batches)`);
    }
    this.warnOnce('non-finite-step', step, `step ${step}: ${what}; the batch was skipped and nothing changed (warned once, counted in health().skippedSteps)`);
    const skipped: StepResult = { step, loss: loss ?? Number.NaN, maskUpdated: false, skipped: true };
    if (this.onEvent) this.emitStep(skipped, started, learningRate);
    return skipped;
  }

  /**
   * Weight decay, gradient masking and the optimizer step on finite gradients, then re-masking and the dense-gradient
   * momentum. Returns the dense gradients of the masked layers the step keeps (the caller disposes them); `grads`
   * stay the caller's.
   */
  private applyMaskedGradients(plan: StepPlan, grads: tf.NamedTensorMap): tf.Tensor[] {
    const state = this.state!;
    const keepDense = plan.keepDense;
    if (plan.updateNow) this.scheduledUpdates++;

    const denseGrads: tf.Tensor[] = [];
    const ordered = tf.tidy(() => {
      const list: { name: string; tensor: tf.Tensor }[] = [];
      for (const variable of this.trainable) {
        let g = grads[variable.name]!;
        const maskIndex = state.indexOf(variable.name);
        if (maskIndex >= 0 && keepDense) denseGrads[maskIndex] = tf.keep(g.clone());
        if (this.weightDecay > 0) g = tf.add(g, tf.mul(variable, this.weightDecay));
        // g is finite here (checked above), so multiplying by the 0/1 mask gives exact zeros
        if (maskIndex >= 0 && state.isSparse) g = tf.mul(g, state.maskTensor(maskIndex));
        list.push({ name: variable.name, tensor: g });
      }
      return list.map((e) => ({ name: e.name, tensor: tf.keep(e.tensor) }));
    });
    this.optimizer.applyGradients(ordered);
    // `ordered` may hold the very gradients of `grads` (unmasked weights without decay): those stay the caller's
    const inputs = new Set<tf.Tensor>(Object.values(grads));
    tf.dispose(ordered.map((e) => e.tensor).filter((t) => !inputs.has(t)));
    // Inactive weights stay exactly zero by themselves when the optimizer is one of tfjs's: their gradient is
    // masked to zero and their optimizer state was zeroed when they were dropped, so every tfjs update rule
    // leaves them at zero. Otherwise (another optimizer, or slots that could not be reset) select them to zero.
    if (state.isSparse && !this.inactiveStayZero()) state.applyToWeights();

    if (this.momentum) {
      const beta = this.momentumDecay;
      tf.tidy(() => {
        this.momentum!.forEach((m, i) => m.assign(tf.add(tf.mul(m, beta), tf.mul(denseGrads[i]!, 1 - beta))));
      });
    }
    return denseGrads;
  }

  /** FLOPs accounting, the scheduled mask update with the step's dense gradients (released here), the step count and events. */
  private async finishStep(plan: StepPlan, batch: number, loss: number, denseGrads: tf.Tensor[], started: number, learningRate: number | undefined): Promise<StepResult> {
    this.trainingFlops += batch * trainingStepFlops(this.sparseForward(), this.denseForwardFlops, plan.keepDense);
    this.denseTrainingFlops += batch * 3 * this.denseForwardFlops;

    let maskUpdated = false;
    try {
      if (plan.updateNow) maskUpdated = await this.updateMasks(plan.step, denseGrads);
    } finally {
      tf.dispose(denseGrads);
    }
    this.steps++;
    const result: StepResult = { step: plan.step, loss, maskUpdated, skipped: false };
    if (this.onEvent) this.emitStep(result, started, learningRate);
    return result;
  }

  /** Skipped steps and updates and every warning so far, with counts: what a run record should carry. */
  health(): TrainingHealth {
    return {
      skippedSteps: this.skippedSteps,
      scheduledUpdates: this.scheduledUpdates,
      skippedUpdates: this.skippedUpdates,
      warnings: [...this.warningsSeen.values()],
    };
  }

  /** Sparsity, per-layer counts and exploration rate at the current step. */
  summary(): SparsitySummary {
    const state = this.requireState('summary');
    const layers = this.masked.map((k, i) => ({
      name: k.shape.name,
      layerName: k.shape.layerName,
      size: k.shape.size,
      active: state.active(i),
      density: state.active(i) / k.shape.size,
    }));
    const totalWeights = layers.reduce((s, l) => s + l.size, 0);
    const activeWeights = layers.reduce((s, l) => s + l.active, 0);
    return {
      step: this.steps,
      sparsity: 1 - activeWeights / totalWeights,
      activeWeights,
      totalWeights,
      explorationRate: state.everActiveCount() / totalWeights,
      layers,
    };
  }

  /** Current host copy of each masked layer's mask (1 active, 0 inactive), in layer order. */
  masks(): Uint8Array[] {
    const state = this.requireState('masks');
    return this.masked.map((_, i) => state.mask(i).slice());
  }

  /** FLOPs of inference with the current masks and of the training done so far (RigL App. H). */
  flops(): FlopsReport {
    const dense = this.denseForwardFlops;
    const sparse = this.state ? this.sparseForward() : dense;
    return flopsReport(sparse, dense, this.trainingFlops, this.denseTrainingFlops);
  }

  /** Kernels, their optimizer slots and every model weight, read densely (the conformance suite compares engines by it). */
  async denseState(): Promise<EngineDenseState> {
    this.assertUsable();
    const read = async (t: tf.Tensor): Promise<Float32Array> => Float32Array.from((await t.data()) as Float32Array);
    const kernels = await Promise.all(this.masked.map((k) => read(k.variable)));
    const kernelSlots = this.masked.map(() => new Map<string, Float32Array>());
    const held = await this.optimizer.getWeights();
    try {
      for (const { name, tensor } of held) {
        const layer = this.masked.findIndex((k) => name.startsWith(`${k.variable.name}/`));
        if (layer >= 0) kernelSlots[layer]!.set(name.slice(this.masked[layer]!.variable.name.length), await read(tensor));
      }
    } finally {
      tf.dispose(held.filter(({ tensor }) => !(tensor instanceof tf.Variable)).map(({ tensor }) => tensor));
    }
    const weights = await Promise.all(this.model.weights.map((w) => read(w.read())));
    return { kernels, kernelSlots, weights };
  }

  /** Serialises masks, step, RNG, FLOPs counters, model weights and optimizer state so that training resumes exactly. */
  async saveCheckpoint(): Promise<Checkpoint> {
    const state = this.requireState('saveCheckpoint');
    return writeCheckpoint({
      strategy: this.strategy.name,
      step: this.steps,
      rngState: this.rng.getState(),
      flops: { training: this.trainingFlops, denseTraining: this.denseTrainingFlops },
      kernels: this.masked.map((k) => k.shape),
      state,
      modelWeights: this.model.weights.map((w) => w.read() as tf.Variable),
      trainable: this.trainable,
      optimizer: this.optimizer,
      momentum: this.momentum,
    });
  }

  /**
   * Restores a checkpoint written by {@link SparseTrainer.saveCheckpoint} into this trainer, its model and its
   * optimizer. Everything is validated first (every manifest field, the RNG state, shapes and byte lengths, the
   * optimizer kind and slot layout, finiteness of weights, slots and momentum unless `allowNonFinite`); a refused
   * checkpoint throws an Error saying what is wrong and leaves the trainer, model and optimizer as they were.
   * Loading allocates nothing that outlives it: the replaced optimizer slots and momentum buffers are disposed.
   */
  async loadCheckpoint(checkpoint: Checkpoint, options: LoadCheckpointOptions = {}): Promise<void> {
    this.assertUsable();
    check(options !== null && typeof options === 'object', 'options', options, 'an object');
    const allowNonFinite = options.allowNonFinite ?? false;
    check(typeof allowNonFinite === 'boolean', 'allowNonFinite', allowNonFinite, 'a boolean');
    const restored = await readCheckpoint(checkpoint, {
      kernels: this.masked.map((k) => k.shape),
      modelWeights: this.model.weights.map((w) => w.read() as tf.Variable),
      trainable: this.trainable,
      needsMomentum: this.needsEveryStep.momentum,
      optimizer: this.optimizer,
      allowNonFinite,
    });
    const broken = this.brokenGroups(restored.masks);
    if (broken !== undefined) {
      tf.dispose([...restored.modelWeights, ...restored.optimizerWeights.map((w) => w.tensor), ...(restored.momentum ?? [])]);
      throw new Error(`loadCheckpoint: ${broken}; nothing was loaded (the checkpoint was not saved under this strategy's granularity)`);
    }
    // All checks passed: apply, the optimizer first (the only part that awaits).
    try {
      await restoreOptimizerState(this.optimizer, restored.optimizerWeights, restored.optimizerHidden);
    } finally {
      // setWeights made variables of its own from these (variables share the data), so ours can go
      tf.dispose(restored.optimizerWeights.map((w) => w.tensor));
    }
    restored.modelWeights.forEach((values, i) => (this.model.weights[i]!.read() as tf.Variable).assign(values));
    tf.dispose(restored.modelWeights);
    this.state?.dispose();
    this.state = createMaskState(this.masked, restored.masks, restored.everActive, restored.actives);
    if (this.state.isSparse) this.state.applyToWeights();
    // the loaded optimizer state may hold values at inactive positions: keep selecting those weights to zero
    this.remaskEveryStep = true;
    if (this.needsEveryStep.momentum) {
      tf.dispose(this.momentum);
      this.momentum = restored.momentum!.map((m) => tf.variable(m, false));
      tf.dispose(restored.momentum);
    }
    this.steps = restored.step;
    this.rng = restored.rng;
    this.trainingFlops = restored.flops.training;
    this.denseTrainingFlops = restored.flops.denseTraining;
  }

  /**
   * Under N:M, constant fan-in or blocks, a description of the first layer of `masks` that breaks the structure: a
   * group without exactly n active weights; with ablation, an active unit without exactly k_l(A) inputs; a partly
   * active block or a block count other than the layer's budget.
   */
  private brokenGroups(masks: readonly Uint8Array[]): string | undefined {
    const granularity = this.strategy.granularity;
    if (granularity?.kind === 'block') {
      const budgets = blockBudgets(this.strategy, this.masked.map((k) => k.shape), granularity.size);
      for (const [i, mask] of masks.entries()) {
        const why = blockViolation(mask, this.masked[i]!.shape.shape, granularity.size, budgets[i]!);
        if (why !== undefined) return `the mask of layer ${this.masked[i]!.shape.layerName} breaks granularity 'block': ${why}`;
      }
      return undefined;
    }
    if (!granularity || !this.groups) return undefined;
    const ablation = granularity.kind === 'fan-in' && (granularity.ablation?.threshold ?? 0) > 0;
    for (const [i, mask] of masks.entries()) {
      const { shape, n, m } = this.groups[i]!;
      const layer = this.masked[i]!.shape.layerName;
      if (ablation) {
        const why = ablationViolation(mask, this.groups[i]!);
        if (why !== undefined) return `the mask of layer ${layer} breaks constant fan-in with ablation (${why})`;
        continue;
      }
      const group = nmFirstViolation(mask, shape, n, m);
      if (group < 0) continue;
      if (granularity.kind === 'fan-in') return `the mask of layer ${layer} breaks constant fan-in (output unit ${group} does not hold exactly ${n} active inputs)`;
      return `the mask of layer ${layer} breaks granularity ${n}:${m} (group ${group} does not hold exactly ${n} active weights)`;
    }
    return undefined;
  }

  /** Releases the masks and momentum buffers (not the model or the optimizer). */
  dispose(): void {
    this.state?.dispose();
    tf.dispose(this.momentum);
    this.state = undefined;
    this.momentum = undefined;
    this.disposed = true;
  }

  /**
   * For {@link fitCallback}: re-applies the masks after an optimizer step taken elsewhere (`model.fit`), counts
   * the step and runs a scheduled update with the dense gradient of `probe`, when given.
   * @internal
   */
  async afterExternalStep(batchSize: number, probe?: { x: tf.Tensor; y: tf.Tensor }): Promise<boolean> {
    const state = this.requireState('afterExternalStep');
    checkNonNegativeInteger(batchSize, 'batchSize');
    if (state.isSparse) state.applyToWeights();
    const step = this.steps;
    const update = this.strategy.update;
    const updateNow = update !== undefined && isUpdateStep(update.schedule, step);
    const needGradient = updateNow && this.needsAtUpdate.gradient;
    if (updateNow) this.scheduledUpdates++;
    this.trainingFlops += batchSize * trainingStepFlops(this.sparseForward(), this.denseForwardFlops, needGradient);
    this.denseTrainingFlops += batchSize * 3 * this.denseForwardFlops;
    let updated = false;
    if (updateNow) {
      let dense: tf.Tensor[] = [];
      if (needGradient) {
        if (!probe) throw new Error(`strategy ${this.strategy.name} grows by gradient: fitCallback needs a probeBatch to compute it`);
        const grads = this.denseGradients(probe.x, probe.y);
        dense = this.masked.map((k) => grads[k.variable.name]!);
      }
      try {
        updated = await this.updateMasks(step, dense);
      } finally {
        tf.dispose(dense);
      }
    }
    this.steps++;
    this.flushUpdateEvent();
    return updated;
  }

  /** Whether any criterion needs the dense gradient at every step (momentum criteria); `fit` cannot provide it. @internal */
  get needsDenseGradientEveryStep(): boolean {
    return this.needsEveryStep.gradient;
  }

  private async updateMasks(step: number, denseGrads: tf.Tensor[]): Promise<boolean> {
    const started = this.onEvent ? performance.now() : 0;
    const state = this.state!;
    const update = this.strategy.update!;
    // No criterion scores non-finite weights (a rank-based score such as SET's would stay finite): one read.
    const weightsFinite = tf.tidy(() => tf.stack(this.masked.map((k, i) => this.momentum ? tf.logicalAnd(tf.all(tf.isFinite(k.variable)), tf.all(tf.isFinite(this.momentum[i]!))) : tf.all(tf.isFinite(k.variable)))));
    const flags = await weightsFinite.data();
    weightsFinite.dispose();
    const bad = this.masked.findIndex((_, i) => flags[i] !== 1);
    if (bad >= 0) {
      this.skippedUpdates++;
      const reason = `weights${this.momentum ? ' or dense-gradient momentum' : ''} of layer ${this.masked[bad]!.shape.layerName} are not finite`;
      this.warnOnce('non-finite-update', step, `step ${step}: ${reason}; this update was skipped and the masks kept (warned once, counted in health())`);
      if (this.onEvent) this.pendingUpdateEvent = this.updateEvent(step, started, undefined, reason);
      return false;
    }
    const plan = await planUpdate(
      { step, update, distribution: this.strategy.distribution, kernels: this.masked, state, gradients: denseGrads, momentum: this.momentum, rng: this.rng, ...(this.strategy.granularity ? { granularity: this.strategy.granularity } : {}), ...(this.groups ? { groups: this.groups } : {}) },
      this.selectsOnDevice() ? deviceMaskSelection : hostMaskSelection,
    );
    if (!plan.ok) {
      this.skippedUpdates++;
      this.warnOnce('non-finite-update', step, `step ${step}: ${plan.reason}; this update was skipped and the masks kept (warned once, counted in health())`);
      if (this.onEvent) this.pendingUpdateEvent = this.updateEvent(step, started, undefined, plan.reason);
      return false;
    }
    // host masks before and after, compared only for a listener
    const diffs = this.onEvent ? plan.layers.map((change, i) => maskDiffCounts(state.mask(i), change.mask)) : undefined;
    let changed: tf.Tensor[];
    try {
      changed = applyUpdatePlan(plan, state, this.masked);
    } finally {
      releaseUpdatePlan(plan);
    }
    const reset = await resetOptimizerSlots(this.optimizer, this.masked, changed);
    tf.dispose(changed);
    if (!reset.ok) {
      this.remaskEveryStep = true;
      this.warnOnce('slots-not-reset', step, reset.reason);
    }
    if (diffs) this.pendingUpdateEvent = this.updateEvent(step, started, diffs);
    return plan.changedAny;
  }

  /** The event of an update at `step`: counts after it, with the drop/grow diffs when it was applied. */
  private updateEvent(step: number, started: number, diffs: readonly { dropped: number; grown: number }[] | undefined, reason?: string): TrainerMaskUpdateEvent {
    const state = this.state!;
    let active = 0;
    let total = 0;
    let dropped = 0;
    let grown = 0;
    const layers: LayerUpdateCounts[] = this.masked.map((k, i) => {
      const diff = diffs?.[i] ?? { dropped: 0, grown: 0 };
      active += state.active(i);
      total += k.shape.size;
      dropped += diff.dropped;
      grown += diff.grown;
      return { name: k.shape.name, layerName: k.shape.layerName, size: k.shape.size, active: state.active(i), density: state.active(i) / k.shape.size, dropped: diff.dropped, grown: diff.grown };
    });
    return {
      type: 'mask-update',
      step,
      applied: diffs !== undefined,
      ...(reason === undefined ? {} : { reason }),
      dropped,
      grown,
      sparsity: 1 - active / total,
      explorationRate: state.everActiveCount() / total,
      timeMs: performance.now() - started,
      layers,
    };
  }

  /** Sends the pending mask-update event, if any, to the listener. */
  private flushUpdateEvent(): void {
    const pending = this.pendingUpdateEvent;
    this.pendingUpdateEvent = undefined;
    if (pending && this.onEvent) this.onEvent(pending);
  }

  /** Sends the step's mask-update event (if any), then its step event. */
  private emitStep(result: StepResult, started: number, learningRate: number | undefined): void {
    this.flushUpdateEvent();
    this.onEvent!({
      type: 'step',
      step: result.step,
      loss: result.loss,
      ...(learningRate === undefined ? {} : { learningRate }),
      timeMs: performance.now() - started,
      maskUpdated: result.maskUpdated,
      skipped: result.skipped,
    });
  }

  /** Whether this update selects on the device: as asked, or for `auto` on `webgpu` with a mask-select kernel. */
  private selectsOnDevice(): boolean {
    return this.selection === 'device' || (this.selection === 'auto' && tf.getBackend() === 'webgpu' && hasMaskSelectKernel());
  }

  private denseGradients(x: tf.Tensor, y: tf.Tensor): tf.NamedTensorMap {
    const vars = this.masked.map((k) => k.variable);
    const { value, grads } = tf.variableGrads(() => this.loss(y, this.model.apply(x, { training: true }) as tf.Tensor), vars);
    value.dispose();
    return grads;
  }

  /** Forward FLOPs per sample with the current masks, cached until the masks change. */
  private sparseForward(): number {
    const state = this.state!;
    if (this.sparseForwardCache === undefined || this.sparseForwardCache.state !== state || this.sparseForwardCache.version !== state.version) {
      const value = forwardFlops(
        this.kernelLayers.map((k) => k.shape),
        this.kernelLayers.map((k) => (k.masked ? state.active(state.indexOf(k.variable.name)) : k.shape.size)),
      );
      this.sparseForwardCache = { state, version: state.version, value };
    }
    return this.sparseForwardCache.value;
  }

  /**
   * Whether an optimizer step leaves inactive weights at exactly zero without re-masking: true for tfjs's own
   * optimizers (zero gradient and zero state give a zero update in each of their rules) as long as every mask
   * update could reset their state at changed positions and no checkpoint brought state of unknown history.
   */
  private inactiveStayZero(): boolean {
    return !this.remaskEveryStep && ZERO_PRESERVING_OPTIMIZERS.has(this.optimizer.getClassName());
  }

  /** Counts a warning of this kind at this step and passes the first of each kind to `onWarning`. */
  private warnOnce(kind: TrainerWarningKind, step: number, message: string, notify = true): void {
    const seen = this.warningsSeen.get(kind);
    if (seen) {
      this.warningsSeen.set(kind, { ...seen, count: seen.count + 1, lastStep: step });
      return;
    }
    const warning: TrainerWarning = { kind, message, count: 1, firstStep: step, lastStep: step };
    this.warningsSeen.set(kind, warning);
    if (notify) this.warn(message, warning);
  }

  private requireState(what: string): MaskState {
    this.assertUsable();
    if (!this.state) throw new Error(`${what}: masks are chosen at the first step; call step() or initialize() first`);
    return this.state;
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this SparseTrainer has been disposed');
  }
}

/**
 * For `SparseOptimizer` (not exported from the package): the synchronous part of `trainer.step` on gradients computed
 * elsewhere; see {@link finishGradientStep}. @internal
 */
export function beginGradientStep(trainer: SparseTrainer, grads: tf.NamedTensorMap, value: tf.Tensor | undefined, caller: string): ExternalGradientStep {
  return trainer['externalGradientStep'](grads, value, caller);
}

/** For `SparseOptimizer` (not exported from the package): finishes a step begun by {@link beginGradientStep}. @internal */
export function finishGradientStep(trainer: SparseTrainer, pending: PendingGradientStep, batchSize: number): Promise<StepResult> {
  return trainer['finishExternalGradientStep'](pending, batchSize);
}
