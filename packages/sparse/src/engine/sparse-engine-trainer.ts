import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import {
  check,
  checkTrainingOptions,
  flopsReport,
  forwardFlops,
  isUpdateStep,
  readLearningRate,
  resolveLoss,
  restoreOptimizerState,
  setOptimizerLearningRate,
  Rng,
  trainingStepFlops,
  type Checkpoint,
  type EngineDenseState,
  type FlopsReport,
  type LoadCheckpointOptions,
  type LossFunction,
  type LossName,
  type SparseStrategy,
  type SparsitySummary,
  type StepResult,
  type TrainerEventListener,
  type TrainerMaskUpdateEvent,
  type TrainingHealth,
} from '@topiary/core';
import type { SparseProducts } from '../products/sparse-products.js';
import { sparseProducts } from '../select/select-products.js';
import { SparseKernel } from '../kernel/sparse-kernel.js';
import { applyActivation } from './activations.js';
import { layerPlans, readEngineCheckpoint, restoredBiases, saveEngineCheckpoint } from './engine-checkpoint.js';
import { EverActive } from './ever-active.js';
import { layersFromModel, layersFromSpec } from './initial-layers.js';
import { checkMlpSpec, type SparseMlpSpec } from './network-spec.js';
import { remapOptimizerState } from './optimizer-remap.js';
import { SparseLayer } from './sparse-layer.js';
import { fusedStepGradients, resolveStepPath, type FusedLoss, type StepChoice, type StepPath } from './fused-step.js';
import { sparseMatMul } from './sparse-matmul.js';
import { releaseCaptures, type StepCapture } from './step-capture.js';
import { graphStepGradients } from './step-gradients.js';
import { planSparseUpdate, type RandomGrowth } from './sparse-update.js';
import { checkSparseStrategy } from './supported-strategy.js';

/** Options of {@link SparseEngineTrainer}: those of core's `SparseTrainer` that apply, and how the products run. */
export interface SparseEngineOptions {
  /** The sparse-training method (presets of `@topiary/algorithms`); refused when the engine cannot run it (`checkSparseStrategy`). */
  readonly strategy: SparseStrategy;
  /** Any tfjs optimizer; it keeps its state for the nonzeros only (the engine's variables hold nothing else). */
  readonly optimizer: tf.Optimizer;
  /** Loss by name or as a function of (yTrue, yPred). */
  readonly loss: LossName | LossFunction;
  /** Seed of every random choice (masks, random criteria). @default 0 */
  readonly seed?: number;
  /** L2 weight decay with PyTorch-SGD semantics (g ← g + λ·w before the optimizer step, all weights). @default 0 */
  readonly weightDecay?: number;
  /** What a step whose loss or gradient is not finite does, as in `SparseTrainer`. @default 'skip' */
  readonly nonFinite?: 'skip' | 'throw';
  /** Receives step and mask-update events, as from `SparseTrainer`. @default no listener */
  readonly onEvent?: TrainerEventListener;
  /** The host products (`sparseProducts()`: WASM SIMD where available, else TypeScript); on the webgpu backend the WGSL products run instead. @default made at initialisation */
  readonly products?: SparseProducts;
  /**
   * How random growth (SET) draws: `sampled` (default) draws k inactive positions in expected O(k); `masked-order`
   * draws one number per position of the kernel in the masked engine's order, so that a run grows exactly the
   * masked engine's positions, in O(inputs · outputs) time per update (O(k) memory). @default 'sampled'
   */
  readonly randomGrowth?: RandomGrowth;
  /**
   * How a step runs: `fused` computes forward, loss, backward, finiteness and weight decay in host loops (no tfjs
   * graph; the optimizer still steps through `applyGradients`), `graph` by tfjs ops and `tf.variableGrads`, `auto`
   * fused when the loss is one it computes (a named loss, not a function). `fused` where it cannot run throws, naming why. @default 'auto'
   */
  readonly step?: StepChoice;
}

let engines = 0;

/** Backends the engine runs on: host memory (cpu, wasm) with the host products, webgpu with the WGSL products. */
const ENGINE_BACKENDS = new Set(['cpu', 'wasm', 'webgpu']);

/**
 * Truly sparse training of a stack of Dense layers: every kernel is held as its nonzeros (CSR, 8 bytes per
 * nonzero plus row pointers; the optimizer's state is for the nonzeros only) and a step costs O(batch · nnz): the
 * forward product, the input gradient and the weight gradient at the nonzeros (`sparseMatMul`, a tfjs op with a
 * gradient, so losses, activations and tfjs optimizers work unchanged). Mask updates follow the strategy as the
 * masked engine (`SparseTrainer`) plans them, drop on the nonzeros, growth from tiles of the dense gradient
 * (RigL), from samples (SET, GSE), never from an array of the kernel's size. Built from a tfjs model (its weights
 * and masks as the masked engine would start them) or from a {@link SparseMlpSpec} (never dense).
 */
export class SparseEngineTrainer {
  /** The method. */
  readonly strategy: SparseStrategy;
  /** The optimizer. */
  readonly optimizer: tf.Optimizer;
  private readonly loss: LossFunction;
  private readonly stepChoice: StepChoice;
  private readonly lossOption: LossName | LossFunction;
  private readonly weightDecay: number;
  private readonly nonFinite: 'skip' | 'throw';
  private readonly onEvent: TrainerEventListener | undefined;
  private readonly randomGrowth: RandomGrowth;
  private readonly prefix: string;
  private rng: Rng;
  private source: LayersModel | SparseMlpSpec | undefined;
  private productsValue: SparseProducts | undefined;
  private layersValue: SparseLayer[] | undefined;
  private everActive: EverActive[] = [];
  private steps = 0;
  private skippedSteps = 0;
  private scheduledUpdates = 0;
  private skippedUpdates = 0;
  private trainingFlops = 0;
  private denseTrainingFlops = 0;
  private readonly needsGradientAtUpdate: boolean;
  private disposed = false;

  /** Holds `source` (a tfjs model of Dense layers, or a described MLP) sparse for training by `options.strategy`. */
  constructor(source: LayersModel | SparseMlpSpec, options: SparseEngineOptions) {
    const { strategy, optimizer } = options;
    const { seed, weightDecay, nonFinite } = checkTrainingOptions(options);
    const randomGrowth = options.randomGrowth ?? 'sampled';
    check(randomGrowth === 'sampled' || randomGrowth === 'masked-order', 'randomGrowth', randomGrowth, "'sampled' or 'masked-order'");
    const fromSpec = !(source instanceof tfl.LayersModel);
    if (fromSpec) checkMlpSpec(source as SparseMlpSpec);
    checkSparseStrategy(strategy, fromSpec);
    this.strategy = strategy;
    this.optimizer = optimizer;
    this.loss = resolveLoss(options.loss);
    this.stepChoice = options.step ?? 'auto';
    resolveStepPath(this.stepChoice, options.loss); // refuses a bad choice, and 'fused' with a loss it cannot run, now
    this.lossOption = options.loss;
    this.weightDecay = weightDecay;
    this.nonFinite = nonFinite;
    this.onEvent = options.onEvent;
    this.randomGrowth = randomGrowth;
    this.productsValue = options.products;
    this.rng = Rng.fromSeed(seed);
    this.prefix = `sparse-engine-${++engines}/`;
    this.source = source;
    const update = strategy.update;
    this.needsGradientAtUpdate = update !== undefined && (update.drop.needs?.gradient === true || update.grow?.needs?.gradient === true);
  }

  /** Steps taken so far. */
  get stepCount(): number {
    return this.steps;
  }

  /** The path a step runs on now: `fused` (host loops) or `graph` (tfjs ops), as the `step` option resolves for the loss and the current backend. */
  get stepPath(): StepPath {
    return resolveStepPath(this.stepChoice, this.lossOption, tf.getBackend());
  }

  /** Whether the layers are built (at the first step, or by {@link SparseEngineTrainer.initialize}). */
  get initialized(): boolean {
    return this.layersValue !== undefined;
  }

  /** The sparse layers, in order (after initialisation). */
  get layers(): readonly SparseLayer[] {
    return this.requireLayers('layers');
  }

  /** The products in use (after initialisation): `implementation` says WASM or TypeScript. */
  get products(): SparseProducts {
    this.requireLayers('products');
    return this.productsValue!;
  }

  /** Sets the optimizer's learning rate. */
  setLearningRate(learningRate: number): void {
    setOptimizerLearningRate(this.optimizer, learningRate);
  }


  /** Builds the sparse layers and chooses the first masks; called by the first step. A scored init (SNIP) needs the batch. */
  async initialize(x?: tf.Tensor, y?: tf.Tensor): Promise<void> {
    this.assertUsable();
    if (this.layersValue) return;
    await this.prepareProducts();
    const source = this.source!;
    this.layersValue =
      source instanceof tfl.LayersModel
        ? await layersFromModel(source, this.strategy, this.rng, this.prefix, this.loss, x && y ? { x, y } : undefined)
        : layersFromSpec(source, this.strategy, this.rng, this.prefix);
    this.source = undefined;
    this.everActive = this.layersValue.map((layer) => EverActive.of(layer.structure));
  }

  /**
   * One optimizer step on a batch, and a mask update when the schedule says so: forward and backward through the
   * sparse products, weight decay, the optimizer step on the nonzeros and biases. A batch whose loss or gradient is
   * not finite is skipped (or refused) before anything changes, as in `SparseTrainer`.
   */
  async step(x: tf.Tensor, y: tf.Tensor): Promise<StepResult> {
    this.assertUsable();
    const started = performance.now();
    const learningRate = this.onEvent ? readLearningRate(this.optimizer) : undefined;
    if (!this.layersValue) await this.initialize(x, y);
    const layers = this.layersValue!;
    const step = this.steps;
    const update = this.strategy.update;
    const updateNow = update !== undefined && isUpdateStep(update.schedule, step);
    const captures: (StepCapture | undefined)[] = layers.map(() => undefined);
    const keep = updateNow && this.needsGradientAtUpdate;
    const trainable = this.trainable();
    const kept = keep ? captures : undefined;
    const gradients =
      this.stepPath === 'fused'
        ? fusedStepGradients(layers, trainable, this.productsValue!, this.lossOption as FusedLoss, x, y, this.weightDecay, kept)
        : await graphStepGradients(trainable, () => this.loss(y, this.forward(x, kept)), this.weightDecay);
    const loss = gradients.loss;
    if (!gradients.finite) {
      gradients.discard();
      releaseCaptures(captures);
      this.skippedSteps++;
      const what = Number.isFinite(loss) ? 'a gradient is not finite' : `the loss is ${loss}`;
      if (this.nonFinite === 'throw') throw new Error(`step ${step}: ${what}; the step was refused and nothing changed (nonFinite: 'throw'; use 'skip' to skip such batches)`);
      const skipped: StepResult = { step, loss, maskUpdated: false, skipped: true };
      this.emitStep(skipped, started, learningRate, undefined);
      return skipped;
    }
    gradients.apply(this.optimizer);

    const batch = x.shape[0]!;
    const denseForward = this.denseForwardFlops();
    this.trainingFlops += batch * trainingStepFlops(this.sparseForwardFlops(), denseForward, keep);
    this.denseTrainingFlops += batch * 3 * denseForward;
    let maskUpdated = false;
    let event: TrainerMaskUpdateEvent | undefined;
    if (updateNow) {
      this.scheduledUpdates++;
      const outcome = await this.updateMasks(step, captures).finally(() => releaseCaptures(captures));
      maskUpdated = outcome.changed;
      event = outcome.event;
    }
    this.steps++;
    const result: StepResult = { step, loss, maskUpdated, skipped: false };
    this.emitStep(result, started, learningRate, event);
    return result;
  }

  /** The network's output for `x` (inference: no gradients, no captures). */
  predict(x: tf.Tensor): tf.Tensor {
    this.requireLayers('predict');
    return tf.tidy(() => this.forward(x, undefined));
  }

  /** Sparsity, active weights and the exploration rate (fraction of weights ever active), as `SparseTrainer.summary`. */
  summary(): SparsitySummary {
    const layers = this.requireLayers('summary').map((l) => ({ name: l.shape.name, layerName: l.shape.layerName, size: l.shape.size, active: l.nnz, density: l.nnz / l.shape.size }));
    const totalWeights = layers.reduce((s, l) => s + l.size, 0);
    const activeWeights = layers.reduce((s, l) => s + l.active, 0);
    const everActive = this.everActive.reduce((s, e) => s + e.count, 0);
    return { step: this.steps, sparsity: 1 - activeWeights / totalWeights, activeWeights, totalWeights, explorationRate: everActive / totalWeights, layers };
  }

  /** Skipped steps and updates, as `SparseTrainer.health` (the sparse engine raises no warnings). */
  health(): TrainingHealth {
    return { skippedSteps: this.skippedSteps, scheduledUpdates: this.scheduledUpdates, skippedUpdates: this.skippedUpdates, warnings: [] };
  }

  /** FLOPs counted as the masked engine counts them (RigL App. H), so the two engines report the same numbers. */
  flops(): FlopsReport {
    const dense = this.denseForwardFlops();
    const sparse = this.layersValue ? this.sparseForwardFlops() : dense;
    return flopsReport(sparse, dense, this.trainingFlops, this.denseTrainingFlops);
  }

  /** Each layer's mask as a dense 0/1 array (inputs · outputs bytes each): for tests and comparisons on small layers only. */
  masks(): Uint8Array[] {
    return this.requireLayers('masks').map((l) => l.structure.toMask());
  }

  /** Each layer's kernel with its current values (the structure and a copy of the trained nonzeros). */
  async kernels(): Promise<SparseKernel[]> {
    const layers = this.requireLayers('kernels');
    return Promise.all(layers.map(async (l) => l.structure.withValues(((await l.values.data()) as Float32Array).slice())));
  }

  /**
   * Kernels (dense, zeros where no weight is stored), their optimizer slots (dense, zeros there too) and every
   * weight in the order of a tfjs model of these layers: for comparisons on small layers only (the conformance suite
   * holds the engines to the same behaviour with it); it allocates every dense kernel.
   */
  async denseState(): Promise<EngineDenseState> {
    const layers = this.requireLayers('denseState');
    const kernels = (await this.kernels()).map((k) => k.toDense());
    const kernelSlots = layers.map(() => new Map<string, Float32Array>());
    const held = await this.optimizer.getWeights();
    try {
      for (const { name, tensor } of held) {
        const layer = layers.findIndex((l) => name.startsWith(`${l.values.name}/`));
        if (layer >= 0) kernelSlots[layer]!.set(name.slice(layers[layer]!.values.name.length), layers[layer]!.structure.withValues(Float32Array.from((await tensor.data()) as Float32Array)).toDense());
      }
    } finally {
      tf.dispose(held.filter(({ tensor }) => !(tensor instanceof tf.Variable)).map(({ tensor }) => tensor));
    }
    const weights: Float32Array[] = [];
    for (const [i, layer] of layers.entries()) {
      weights.push(kernels[i]!);
      if (layer.bias) weights.push(Float32Array.from((await layer.bias.data()) as Float32Array));
    }
    return { kernels, kernelSlots, weights };
  }

  /**
   * A standard tfjs-layers model with the trained weights (dense kernels, zeros where no weight is stored), for
   * inference anywhere tfjs runs; it allocates every dense kernel, so it is for layers that fit densely.
   */
  async toLayersModel(): Promise<LayersModel> {
    const layers = this.requireLayers('toLayersModel');
    const model = tfl.sequential();
    layers.forEach((l, i) =>
      model.add(tfl.layers.dense({ name: l.shape.layerName, units: l.shape.fanOut, activation: l.activation, useBias: l.bias !== undefined, ...(i === 0 ? { inputShape: [l.shape.fanIn] } : {}) })),
    );
    const kernels = await this.kernels();
    const weights: tf.Tensor[] = [];
    layers.forEach((l, i) => {
      weights.push(tf.tensor2d(kernels[i]!.toDense(), [l.shape.fanIn, l.shape.fanOut]));
      if (l.bias) weights.push(l.bias.clone());
    });
    model.setWeights(weights);
    tf.dispose(weights);
    return model;
  }

  /**
   * Serialises everything a run resumes from bit-identically: each layer's structure (CSR row pointers and column
   * indices), values and bias, the optimizer's state for the nonzeros (hidden scalars such as Adam's β powers
   * included), the step, the generator, the FLOPs counters and the ever-active positions. A version 3 checkpoint
   * of O(nnz) bytes (nothing of a dense kernel's size is made); `SparseTrainer` loads it too (densely).
   */
  async saveCheckpoint(): Promise<Checkpoint> {
    const layers = this.requireLayers('saveCheckpoint');
    const counters = { strategy: this.strategy.name, step: this.steps, rngState: this.rng.getState(), flops: { training: this.trainingFlops, denseTraining: this.denseTrainingFlops } };
    return saveEngineCheckpoint(counters, layers, this.everActive, this.optimizer);
  }

  /**
   * Restores a checkpoint of this engine (version 3) or of `SparseTrainer` on a model of the same Dense layers
   * (version 2: the stored positions are the ones of its masks, the kernels' values and optimizer slots are taken
   * there). Everything is validated first (every manifest field, shapes, CSR structures, byte lengths, the
   * optimizer kind and slot layout, finiteness unless `allowNonFinite`); a refused checkpoint throws an Error
   * naming what is wrong and changes nothing. Works before the first step too (the layers are built from it).
   */
  async loadCheckpoint(checkpoint: Checkpoint, options: LoadCheckpointOptions = {}): Promise<void> {
    this.assertUsable();
    check(options !== null && typeof options === 'object', 'options', options, 'an object');
    const allowNonFinite = options.allowNonFinite ?? false;
    check(typeof allowNonFinite === 'boolean', 'allowNonFinite', allowNonFinite, 'a boolean');
    await this.prepareProducts();
    const current = this.layersValue;
    const plans = current ? current.map((l) => ({ shape: l.shape, activation: l.activation })) : layerPlans(this.source!);
    const restored = await readEngineCheckpoint(checkpoint, plans, this.prefix, this.optimizer, allowNonFinite);
    const kernels = restored.layers.map((l, i) => SparseKernel.fromCsr(plans[i]!.shape.fanIn, plans[i]!.shape.fanOut, l.values, l.structure.rowPointers, l.structure.columnIndices));
    const biases = restoredBiases(restored, plans);
    // All checks passed: apply, the optimizer first (the only part that awaits).
    try {
      await restoreOptimizerState(this.optimizer, restored.optimizerWeights, restored.optimizerHidden);
    } finally {
      tf.dispose(restored.optimizerWeights.map((w) => w.tensor));
    }
    if (current) {
      current.forEach((layer, i) => {
        layer.replace(kernels[i]!);
        if (layer.bias) tf.tidy(() => layer.bias!.assign(tf.tensor1d(biases[i]!, 'float32')));
      });
    } else {
      this.layersValue = plans.map((p, i) => new SparseLayer(p.shape, p.activation, kernels[i]!, biases[i], this.prefix));
      this.source = undefined;
    }
    this.everActive = restored.layers.map((l) => EverActive.fromPositions(l.everActive));
    this.steps = restored.step;
    this.rng = restored.rng;
    this.trainingFlops = restored.flops.training;
    this.denseTrainingFlops = restored.flops.denseTraining;
  }

  /** Releases the engine's variables (the optimizer stays the caller's). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const layer of this.layersValue ?? []) layer.dispose();
  }

  /** The trainable variables in a fixed order (the optimizer pairs its slots with it): each layer's values, then bias. */
  private trainable(): tf.Variable[] {
    return this.layersValue!.flatMap((l) => (l.bias ? [l.values, l.bias] : [l.values]));
  }

  private forward(x: tf.Tensor, captures: (StepCapture | undefined)[] | undefined): tf.Tensor {
    const layers = this.layersValue!;
    let h = x.rank > 2 ? tf.reshape(x, [x.shape[0]!, -1]) : x;
    layers.forEach((layer, i) => {
      h = sparseMatMul(layer, h, this.productsValue!, captures ? (c) => (captures[i] = c) : undefined);
      if (layer.bias) h = tf.add(h, layer.bias);
      h = applyActivation(layer.activation, h);
    });
    return h;
  }

  private async updateMasks(step: number, captures: readonly (StepCapture | undefined)[]): Promise<{ changed: boolean; event: TrainerMaskUpdateEvent | undefined }> {
    const started = performance.now();
    const layers = this.layersValue!;
    const flags = tf.tidy(() => tf.stack(layers.map((l) => tf.all(tf.isFinite(l.values)))));
    const finite = await flags.data();
    flags.dispose();
    const bad = layers.findIndex((_, i) => finite[i] !== 1);
    const plan = bad >= 0 ? { ok: false as const, reason: `weights of layer ${layers[bad]!.shape.layerName} are not finite` } : await planSparseUpdate({ step, update: this.strategy.update!, distribution: this.strategy.distribution, layers, captures, rng: this.rng, randomGrowth: this.randomGrowth });
    if (!plan.ok) {
      this.skippedUpdates++;
      return { changed: false, event: this.onEvent ? this.updateEvent(step, started, undefined, plan.reason) : undefined };
    }
    await remapOptimizerState(
      this.optimizer,
      plan.layers.flatMap((change, i) => (change ? [{ name: layers[i]!.values.name, sources: change.sources }] : [])),
    );
    plan.layers.forEach((change, i) => {
      if (!change) return;
      layers[i]!.replace(change.kernel);
      this.everActive[i]!.add(change.kernel, change.sources);
    });
    const diffs = plan.layers.map((c) => ({ dropped: c?.dropped ?? 0, grown: c?.grown ?? 0 }));
    const changed = diffs.some((d) => d.dropped > 0 || d.grown > 0);
    return { changed, event: this.onEvent ? this.updateEvent(step, started, diffs) : undefined };
  }

  private updateEvent(step: number, started: number, diffs: readonly { dropped: number; grown: number }[] | undefined, reason?: string): TrainerMaskUpdateEvent {
    const summary = this.summary();
    const layers = summary.layers.map((l, i) => ({ ...l, dropped: diffs?.[i]?.dropped ?? 0, grown: diffs?.[i]?.grown ?? 0 }));
    return {
      type: 'mask-update',
      step,
      applied: diffs !== undefined,
      ...(reason === undefined ? {} : { reason }),
      dropped: layers.reduce((s, l) => s + l.dropped, 0),
      grown: layers.reduce((s, l) => s + l.grown, 0),
      sparsity: summary.sparsity,
      explorationRate: summary.explorationRate,
      timeMs: performance.now() - started,
      layers,
    };
  }

  private emitStep(result: StepResult, started: number, learningRate: number | undefined, update: TrainerMaskUpdateEvent | undefined): void {
    if (!this.onEvent) return;
    if (update) this.onEvent(update);
    this.onEvent({ type: 'step', step: result.step, loss: result.loss, ...(learningRate === undefined ? {} : { learningRate }), timeMs: performance.now() - started, maskUpdated: result.maskUpdated, skipped: result.skipped });
  }

  private denseForwardFlops(): number {
    const layers = this.layersValue ?? [];
    return forwardFlops(layers.map((l) => l.shape), layers.map((l) => l.shape.size));
  }

  private sparseForwardFlops(): number {
    const layers = this.layersValue!;
    return forwardFlops(layers.map((l) => l.shape), layers.map((l) => l.nnz));
  }

  /** Refuses backends whose tensors are not in host memory, and makes the products once. */
  private async prepareProducts(): Promise<void> {
    const backend = tf.getBackend();
    if (!ENGINE_BACKENDS.has(backend)) {
      throw new Error(`sparse engine: backend '${backend}' is not supported; it needs 'cpu' or 'wasm' (host products) or 'webgpu' (WGSL products): use the masked engine there`);
    }
    resolveStepPath(this.stepChoice, this.lossOption, backend); // 'fused' on a backend it cannot run on: refused here
    this.productsValue ??= await sparseProducts();
  }

  private requireLayers(what: string): SparseLayer[] {
    this.assertUsable();
    if (!this.layersValue) throw new Error(`${what}: the sparse layers are built at the first step; call step() or initialize() first`);
    return this.layersValue;
  }

  private assertUsable(): void {
    if (this.disposed) throw new Error('this SparseEngineTrainer has been disposed');
  }
}
