import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './rng.js';

/** The kind of layer a masked kernel belongs to (embeddings are masked only when named in `layers.include`). */
export type MaskedLayerKind = 'dense' | 'conv' | 'embedding';

/**
 * Shape facts about one prunable kernel, all that distributions and FLOPs counters need.
 * Dense kernels have shape [nIn, nOut]; convolution kernels [kh, kw, cIn, cOut] (or [k, cIn, cOut] for 1-D);
 * embedding tables [vocabulary, dimension].
 */
export interface LayerShape {
  /** The kernel variable's name, e.g. `dense_Dense1/kernel`. Unique within a model. */
  readonly name: string;
  /** The owning layer's name, e.g. `dense_Dense1`; include/exclude lists and custom maps use it. */
  readonly layerName: string;
  /** Dense or convolution kernel. */
  readonly kind: MaskedLayerKind;
  /** The kernel's shape. */
  readonly shape: readonly number[];
  /** Number of weights in the kernel. */
  readonly size: number;
  /** Input units (dense) or input channels (conv). */
  readonly fanIn: number;
  /** Output units (dense) or output channels (conv). */
  readonly fanOut: number;
  /** Kernel spatial dimensions; empty for dense layers. */
  readonly kernelSize: readonly number[];
  /**
   * Output positions per sample, for FLOPs, summed over every application of the layer in one forward pass:
   * H_out·W_out for a convolution applied once, 1 for a dense layer on [batch, features] applied once; a shared
   * layer called twice counts both calls.
   */
  readonly outputPositions: number;
  /** Times the layer is applied in one forward pass (a shared layer called twice: 2). @default 1 */
  readonly applications?: number;
  /** Whether the owning layer adds a bias, for FLOPs. */
  readonly hasBias: boolean;
}

/** What a criterion needs the engine to compute before scoring. */
export interface CriterionNeeds {
  /** The dense gradient ∂L/∂W of the current batch, at every position including inactive ones. */
  readonly gradient?: boolean;
  /** A momentum of the dense gradient (exponential moving average kept by the engine every step). */
  readonly momentum?: boolean;
}

/**
 * Everything a criterion may look at for one layer at one update. Tensors are owned by the engine:
 * a criterion must not dispose them, and must return a new tensor (the engine disposes it).
 */
export interface ScoreContext {
  /** The layer being scored. */
  readonly layer: LayerShape;
  /** Current kernel values (inactive positions are exactly 0). */
  readonly weight: tf.Tensor;
  /** Current mask, float32 with values 0 and 1, same shape as the kernel. */
  readonly mask: tf.Tensor;
  /** Dense gradient of the current batch; present when the criterion asked for it. */
  readonly gradient?: tf.Tensor;
  /** Momentum of the dense gradient; present when the criterion asked for it. */
  readonly momentum?: tf.Tensor;
  /** The training step at which the update happens. */
  readonly step: number;
  /** The engine's seeded generator; use it for any randomness so that runs are reproducible. */
  readonly rng: Rng;
  /**
   * How many positions the update will select from these scores in this layer (dropped or grown), where the
   * planner knows it when scoring (layer scope, unstructured); absent otherwise (initialisation, global ranking,
   * N:M and fan-in groups). Criteria whose cost depends on it (GSE's candidate subset) use it.
   */
  readonly count?: number;
}

/**
 * A drop criterion scores active weights: the k active weights with the lowest scores are dropped.
 * Scores at inactive positions are ignored. Ties are broken by the lower flat index.
 */
export interface DropCriterion {
  /** A short identifier, e.g. `magnitude`. */
  readonly kind: string;
  /** Inputs the engine must provide. */
  readonly needs?: CriterionNeeds;
  /** Returns a float32 tensor of the kernel's shape; lower means dropped first. */
  score(ctx: ScoreContext): tf.Tensor;
}

/**
 * A grow criterion scores inactive positions: the k inactive positions with the highest scores are grown.
 * Scores at active positions are ignored. Ties are broken by the lower flat index.
 */
export interface GrowCriterion {
  /** A short identifier, e.g. `gradient`. */
  readonly kind: string;
  /** Inputs the engine must provide. */
  readonly needs?: CriterionNeeds;
  /** Returns a float32 tensor of the kernel's shape; higher means grown first. */
  score(ctx: ScoreContext): tf.Tensor;
}

/** Context for choosing the starting values of newly grown weights. */
export interface GrowInitContext {
  /** The layer that grows. */
  readonly layer: LayerShape;
  /** The engine's seeded generator. */
  readonly rng: Rng;
}

/** Chooses the values newly grown connections start from (RigL: zeros). */
export interface GrowInitializer {
  /** A short identifier, e.g. `zeros`. */
  readonly kind: string;
  /** Returns a float32 tensor of the kernel's shape; the engine takes the values at grown positions. */
  values(ctx: GrowInitContext): tf.Tensor;
}

/** A function of the training step, e.g. a drop-fraction or target-sparsity schedule. */
export interface Schedule {
  /** A short identifier, e.g. `cosine`. */
  readonly kind: string;
  /** The value at step t (t counts optimizer steps from 0). */
  valueAt(step: number): number;
}

/** When masks change: every `every` steps from `begin` (inclusive) while step < `end`. */
export interface UpdateSchedule {
  /** First step at which an update may happen. */
  readonly begin: number;
  /** Updates happen only at steps strictly before this one. */
  readonly end: number;
  /** Steps between updates (ΔT). */
  readonly every: number;
}

/**
 * A layer-wise distribution: given the prunable layers and an overall sparsity S (over those layers),
 * returns each layer's density so that Σ density_l · size_l ≈ (1 − S) · Σ size_l.
 */
export interface Distribution {
  /** A short identifier, e.g. `erk`. */
  readonly kind: string;
  /** One density in [0, 1] per layer, in the order given. */
  densities(layers: readonly LayerShape[], sparsity: number): number[];
}

/** Per-layer facts given to a redistribution rule at an update, after the drop. */
export interface RedistributionLayer {
  /** The layer. */
  readonly layer: LayerShape;
  /** Active weights after the drop. */
  readonly active: number;
  /** Mean |momentum| over the layer's active weights (before the drop). */
  readonly meanMomentum: number;
}

/**
 * Reallocates the total regrowth across layers (SNFS). Returns how many weights each layer grows;
 * the counts must sum to `total` and no layer may grow more than `size − active`.
 */
export interface Redistribution {
  /** A short identifier, e.g. `momentum`. */
  readonly kind: string;
  /** Inputs the engine must provide. */
  readonly needs?: CriterionNeeds;
  /** Grow counts per layer. */
  allocate(layers: readonly RedistributionLayer[], total: number): number[];
}

/** How the first masks are chosen. */
export type MaskInit =
  /** Each layer gets exactly its budget of active weights, placed uniformly at random. */
  | { readonly kind: 'random' }
  /** Every weight starts active (gradual pruning). */
  | { readonly kind: 'dense' }
  /**
   * One-shot selection from scores on the first batch (SNIP: saliency |w·g|): keep the highest scores,
   * either per layer (budgets from the distribution) or globally over all masked layers.
   */
  | { readonly kind: 'scored'; readonly criterion: DropCriterion; readonly scope: 'layer' | 'global' }
  /**
   * The given masks, one 0/1 array per masked layer in layer order, each of the kernel's size (copied when the
   * trainer starts; under a granularity every group must hold its count). Restarts training from masks found
   * elsewhere, e.g. a lottery ticket's. The strategy's `sparsity` and distribution do not change them.
   */
  | { readonly kind: 'masks'; readonly masks: readonly Uint8Array[] };

/** Whether an update ranks each layer on its own (`layer`) or all masked layers together (`global`). */
export type UpdateScope = 'layer' | 'global';

/**
 * How masks change during training; absent for static sparse training.
 *
 * Counts at an update, per layer l with `active_l` active weights and, under a pruning target, budget `b_l`
 * (the distribution's densities at the target):
 * - `dropFraction` f alone (drop-and-grow): drop round(f · active_l), grow as many;
 * - `targetSparsity` alone (pruning): drop max(0, active_l − b_l) and grow none (or as many, when a grow
 *   criterion is given, so that the mask moves without pruning);
 * - both (prune and regrow, GraNet, Liu et al. 2021): first prune p_l = max(0, active_l − b_l) with no regrowth,
 *   then drop r_l = round(f · (active_l − p_l)) of the remaining active weights and regrow as many: the layer drops
 *   p_l + r_l (one ranking by the drop criterion) and grows r_l, so it ends at its budget.
 * - growth toward the budget: with `targetSparsity` and a grow criterion, a layer below its budget (the target
 *   fell since the last update, as in a cyclic schedule) also grows e_l = max(0, b_l − active_l) on top of the
 *   regrowth above, so it ends at its budget and density follows the target both ways. Counts with
 *   active_l ≥ b_l are unchanged (e_l = 0).
 *
 * With `scope: 'global'` the same formulas are applied to the totals over all masked layers (Σ active_l, and the
 * overall budget Σ b_l), and the dropped (grown) weights are the lowest drop (highest grow) scores across all
 * layers in one ranking.
 */
export interface MaskUpdatePolicy {
  /** When updates happen. */
  readonly schedule: UpdateSchedule;
  /** Which active weights are dropped. */
  readonly drop: DropCriterion;
  /** Which inactive positions are grown; absent when weights are only pruned. */
  readonly grow?: GrowCriterion;
  /** Starting values of grown weights. @default zeros */
  readonly growInit?: GrowInitializer;
  /** Fraction of each layer's active weights replaced at an update (drop-and-grow methods); with `targetSparsity`, of those left after pruning. */
  readonly dropFraction?: Schedule;
  /** Overall sparsity target at each update (pruning methods); each layer is pruned down to its share (globally: all layers to the overall budget), and grown up to it when below and a grow criterion is given. */
  readonly targetSparsity?: Schedule;
  /** Cross-layer reallocation of the regrowth (SNFS); excludes `scope: 'global'`, which also decides per-layer counts. */
  readonly redistribution?: Redistribution;
  /**
   * `layer` (the default): every layer drops and grows its own count by its own ranking. `global`: the counts are
   * computed over all masked layers together and the weights dropped (grown) are the lowest drop (highest grow)
   * scores across all layers, ties to the earlier layer, then the lower flat index. Scores are compared as given:
   * criteria whose scales differ across layers (e.g. gradient magnitudes) are ranked as they are, as global
   * magnitude pruning does. The planner reads every layer's scores to the host for the ranking, on the device
   * selection too (one read per stage). @default 'layer'
   */
  readonly scope?: UpdateScope;
}

/**
 * N:M fine-grained structured sparsity (Zhou et al. 2021, "Learning N:M Fine-grained Structured Sparse Neural
 * Networks From Scratch"; Mishra et al. 2021, 2:4 on Ampere): in every masked kernel, for every output unit (and
 * every spatial position of a convolution kernel), each group of `m` consecutive inputs holds exactly `n` active
 * weights, so that kernel [in, out] keeps |{i ∈ [g·m, g·m + m) : mask[i][o] = 1}| = n for every group g and
 * column o. Density is n/m in every masked layer, so the strategy's sparsity must be 1 − n/m and its distribution
 * must give every layer density n/m (uniform).
 */
export interface NMGranularity {
  /** Always `n:m`. */
  readonly kind: 'n:m';
  /** Active weights per group, an integer in [1, m). */
  readonly n: number;
  /** Group size along the input axis (kernel.shape[0] for Dense, input channels for convolutions); must divide it. */
  readonly m: number;
}

/**
 * Constant fan-in (Lasby et al. 2024, "Dynamic Sparse Training with Structured Sparsity", SRigL's structure):
 * every output unit of a masked layer keeps the same number k_l = round(d_l · in_l) of active inputs, d_l the
 * layer's density from the strategy's distribution (so ERK gives different k_l across layers) and in_l the weights
 * feeding one output unit (kernel.shape[0] for Dense, kh·kw·cIn for a convolution). It is one group per output unit
 * holding its whole input column, with n = k_l: the N:M machinery with m = in_l.
 */
export interface FanInGranularity {
  /** Always `fan-in`. */
  readonly kind: 'fan-in';
  /** SRigL's neuron ablation ({@link FanInAblation}); absent: every output unit is kept. */
  readonly ablation?: FanInAblation;
}

/**
 * SRigL's neuron ablation (Lasby et al. 2024, Sec. 4, γ_sal): at every update an output unit whose salient weights
 * (those unconstrained RigL would keep or grow in its layer) number fewer than γ_sal · k_l is ablated (all its
 * weights dropped for good), and the layer's budget is shared among the remaining units (see `fan-in-ablation.ts`).
 */
export interface FanInAblation {
  /** γ_sal in [0, 1]: the fraction of its fan-in k_l a unit's salient weights must reach to be kept; 0 disables ablation. */
  readonly threshold: number;
}

/**
 * Block sparsity (b × b tiles; Gray, Radford & Kingma 2017, "GPU Kernels for Block-Sparse Weights"): a Dense kernel
 * [in, out] is tiled into (in/b)·(out/b) blocks of b × b weights (a convolution kernel [..., cIn, cOut] into b × b
 * blocks over [cIn, cOut] at every spatial position), and the mask is constant on every block. A layer of density
 * d_l keeps round(d_l · blocks_l) active blocks; drop and grow select whole blocks by the sum of the criterion's
 * scores over the block.
 */
export interface BlockGranularity {
  /** Always `block`. */
  readonly kind: 'block';
  /** The block side b, an integer ≥ 1 dividing every masked layer's input and output sizes. */
  readonly size: number;
}

/** The structure masks keep beyond their counts ({@link NMGranularity}, {@link FanInGranularity}, {@link BlockGranularity}); absent: unstructured. */
export type MaskGranularity = NMGranularity | FanInGranularity | BlockGranularity;

/**
 * A complete sparse-training method: RigL, SET, SNFS, static, SNIP, pruning and dense are each one value
 * of this type (see `@topiary/algorithms`).
 */
export interface SparseStrategy {
  /** A short name that appears in logs and results, e.g. `rigl`. */
  readonly name: string;
  /** Overall sparsity of the masked layers (the final sparsity for pruning methods), in [0, 1). */
  readonly sparsity: number;
  /** Layer-wise allocation of the nonzero budget. */
  readonly distribution: Distribution;
  /** How the first masks are chosen. */
  readonly init: MaskInit;
  /** How masks change; absent for static masks. */
  readonly update?: MaskUpdatePolicy;
  /**
   * Structure every mask keeps at initialisation and after every update ({@link NMGranularity},
   * {@link FanInGranularity}, {@link BlockGranularity}); absent: unstructured. All need a `random` or layer-scope `scored` init and, with
   * updates, drop-and-grow (a drop fraction and a grow criterion, layer scope, no pruning target, no redistribution).
   */
  readonly granularity?: MaskGranularity;
}
