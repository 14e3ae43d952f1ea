import * as tf from '@tensorflow/tfjs-core';
import type { ConformanceContext, ConformanceStrategy } from './conformance.js';
import { constantSchedule, cosineSchedule, polynomialSparsitySchedule, updateSchedule } from '../schedules.js';
import type { Distribution, DropCriterion, GrowCriterion, MaskUpdatePolicy, Redistribution, SparseStrategy } from '../types.js';

// Minimal criteria written against core's types alone, so that core and the backend packages can run the
// conformance suite without depending on the criterion packages.

/** Uniform: every masked layer at the overall sparsity. */
export const uniformTest: Distribution = { kind: 'uniform', densities: (layers, s) => layers.map(() => 1 - s) };
/** Magnitude drop, score |w|. */
export const magnitude: DropCriterion = { kind: 'magnitude', score: ({ weight }) => tf.abs(weight) };
/** Saliency |w·g| (SNIP, Lee et al. 2019). */
export const saliency: DropCriterion = { kind: 'saliency', needs: { gradient: true }, score: ({ weight, gradient }) => tf.abs(tf.mul(weight, gradient!)) };
/** Gradient growth, score |∂L/∂w| of the dense gradient (RigL, Evci et al. 2020). */
export const gradientGrow: GrowCriterion = { kind: 'gradient', needs: { gradient: true }, score: ({ gradient }) => tf.abs(gradient!) };
/** Momentum growth, score |m| of the dense-gradient momentum (SNFS, Dettmers & Zettlemoyer 2019). */
export const momentumGrow: GrowCriterion = { kind: 'momentum', needs: { momentum: true }, score: ({ momentum }) => tf.abs(momentum!) };
/** Random growth from the engine's generator (SET, Mocanu et al. 2018). */
export const randomGrow: GrowCriterion = {
  kind: 'random',
  score: ({ layer, rng }) => tf.tensor(rng.uniformArray(layer.size), [...layer.shape]),
};
/** Proportional to mean momentum, capped by capacity, remainder to the layers with room in order. */
export const proportional: Redistribution = {
  kind: 'proportional',
  needs: { momentum: true },
  allocate(layers, total) {
    const weights = layers.map((l) => l.meanMomentum);
    const sum = weights.reduce((a, b) => a + b, 0) || 1;
    const counts = layers.map((l, i) => Math.min(l.layer.size - l.active, Math.floor((total * weights[i]!) / sum)));
    let left = total - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; left > 0 && i < layers.length; i++) {
      const room = layers[i]!.layer.size - layers[i]!.active - counts[i]!;
      const add = Math.min(room, left);
      counts[i]! += add;
      left -= add;
    }
    return counts;
  },
};

const every = (c: ConformanceContext) => updateSchedule({ begin: 0, end: Math.floor(c.totalSteps * 0.75), every: c.updateEvery });

/** RigL's rule on the test criteria: magnitude drop, gradient growth, α = 0.3 cosine until 75% of the run; `extra` adds to the update. */
function riglLike(c: ConformanceContext, name: string, extra: Partial<MaskUpdatePolicy> = {}): SparseStrategy {
  return {
    name,
    sparsity: c.sparsity,
    distribution: uniformTest,
    init: { kind: 'random' },
    update: { schedule: every(c), drop: magnitude, grow: gradientGrow, dropFraction: cosineSchedule({ initial: 0.3, end: Math.floor(c.totalSteps * 0.75) }), ...extra },
  };
}

/** Gradual magnitude pruning on the test criteria: dense start, cubic schedule to the sparsity at 60% of the run; `extra` adds to the update. */
function pruningLike(c: ConformanceContext, name: string, extra: Partial<MaskUpdatePolicy> = {}): SparseStrategy {
  return {
    name,
    sparsity: c.sparsity,
    distribution: uniformTest,
    init: { kind: 'dense' },
    update: {
      schedule: updateSchedule({ begin: 0, end: c.totalSteps, every: c.updateEvery }),
      drop: magnitude,
      targetSparsity: polynomialSparsitySchedule({ final: c.sparsity, begin: 0, end: Math.floor(c.totalSteps * 0.6) }),
      ...extra,
    },
  };
}

/** One strategy of each kind (RigL-, SET-, SNFS-like, static, SNIP-like, pruning; global pruning, RigL and GraNet-like) built from the criteria above. */
export const referenceStrategies: Record<string, ConformanceStrategy> = {
  'gradient growth (RigL-like)': {
    masks: 'change',
    create: (c) => riglLike(c, 'rigl-test'),
  },
  'random growth (SET-like)': {
    masks: 'change',
    create: (c) => ({
      name: 'set-test',
      sparsity: c.sparsity,
      distribution: uniformTest,
      init: { kind: 'random' },
      update: { schedule: every(c), drop: magnitude, grow: randomGrow, dropFraction: constantSchedule(0.3) },
    }),
  },
  'momentum growth with redistribution (SNFS-like)': {
    masks: 'change',
    redistributes: true,
    create: (c) => ({
      name: 'snfs-test',
      sparsity: c.sparsity,
      distribution: uniformTest,
      init: { kind: 'random' },
      update: {
        schedule: every(c),
        drop: magnitude,
        grow: momentumGrow,
        redistribution: proportional,
        dropFraction: cosineSchedule({ initial: 0.5, end: Math.floor(c.totalSteps * 0.75), floor: 0.005 }),
      },
    }),
  },
  static: {
    masks: 'fixed',
    create: (c) => ({ name: 'static-test', sparsity: c.sparsity, distribution: uniformTest, init: { kind: 'random' } }),
  },
  'saliency init (SNIP-like)': {
    masks: 'fixed',
    create: (c) => ({ name: 'snip-test', sparsity: c.sparsity, distribution: uniformTest, init: { kind: 'scored', criterion: saliency, scope: 'global' } }),
  },
  'gradual magnitude pruning': {
    masks: 'prune',
    create: (c) => pruningLike(c, 'pruning-test'),
  },
  'global magnitude pruning': {
    masks: 'prune',
    create: (c) => pruningLike(c, 'global-pruning-test', { scope: 'global' }),
  },
  'global gradient growth (RigL-like)': {
    masks: 'change',
    redistributes: true,
    create: (c) => riglLike(c, 'global-rigl-test', { scope: 'global' }),
  },
  'global pruning with regrowth (GraNet-like)': {
    masks: 'prune',
    redistributes: true,
    create: (c) => pruningLike(c, 'granet-test', { grow: gradientGrow, dropFraction: cosineSchedule({ initial: 0.3, end: c.totalSteps }), scope: 'global' }),
  },
};

/**
 * N:M drop-and-grow (RigL's rule under 1:4, 2:4 or 3:4 sparsity, Zhou et al. 2021); its sparsity must be 1 − n/4,
 * so run it with `sparsity` 0.75, 0.5 or 0.25 in `runConformanceSuite`.
 */
export const nmReferenceStrategies: Record<string, ConformanceStrategy> = {
  'N:M gradient growth (RigL under n:4)': {
    masks: 'change',
    create: (c) => {
      const n = Math.round((1 - c.sparsity) * 4);
      if (Math.abs(n / 4 - (1 - c.sparsity)) > 1e-9) throw new Error(`nmReferenceStrategies: sparsity ${c.sparsity} is not 1 − n/4`);
      return { ...riglLike(c, 'n-m-rigl-test'), granularity: { kind: 'n:m', n, m: 4 } };
    },
  },
};

/**
 * Constant fan-in drop-and-grow (RigL's rule with every output unit keeping k_l = round(d_l · in_l) active inputs,
 * SRigL's structure, Lasby et al. 2024), uniform density; any sparsity that leaves every layer k_l ≥ 1.
 */
export const fanInReferenceStrategies: Record<string, ConformanceStrategy> = {
  'constant fan-in gradient growth (SRigL structure)': {
    masks: 'change',
    create: (c) => ({ ...riglLike(c, 'fan-in-rigl-test'), granularity: { kind: 'fan-in' } }),
  },
};

/**
 * Block drop-and-grow (RigL's rule on whole 4 × 4 blocks scored by their summed scores), uniform density; the
 * model's input and output sizes must be multiples of 4 (the conformance model's are).
 */
export const blockReferenceStrategies: Record<string, ConformanceStrategy> = {
  '4 × 4 block gradient growth (RigL on blocks)': {
    masks: 'change',
    create: (c) => ({ ...riglLike(c, 'block-rigl-test'), granularity: { kind: 'block', size: 4 } }),
  },
};
