import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { budgetsFromDensities } from '../budgets.js';
import { findPrunableKernels, type PrunableKernel } from '../layers.js';
import { registerHostMaskSelect } from '../mask-select-kernel.js';
import type { MaskSelection } from '../mask-selection.js';
import { deviceMaskSelection } from '../mask-selection-device.js';
import { hostMaskSelection } from '../mask-selection-host.js';
import { createMaskState, type MaskState } from '../mask-state.js';
import { applyUpdatePlan, planUpdate, releaseUpdatePlan, updateCounts } from '../mask-update.js';
import { Rng } from '../rng.js';
import { constantSchedule, cyclicSchedule, cyclicScheduleDescriptor, updateSchedule } from '../schedules.js';
import { createComponent } from '../descriptor.js';
import { countActive, randomMask } from '../selection.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { gradientGrow, magnitude, momentumGrow, proportional, uniformTest } from '../testing/reference-strategies.js';
import { SparseTrainer } from '../trainer.js';
import type { MaskUpdatePolicy, Schedule, SparseStrategy, UpdateScope } from '../types.js';

// A target sparsity that falls as well as rises (cyclic schedules): with a grow criterion, a layer below its budget
// grows up to it, so density follows the schedule both ways; and masks given to the trainer ({ kind: 'masks' }).

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerHostMaskSelect('cpu');
});

const SELECTIONS: Record<string, MaskSelection> = { host: hostMaskSelection, device: deviceMaskSelection };

describe('cyclic schedule', () => {
  it('starts at high, reaches low half a period later and repeats every period', () => {
    const s = cyclicSchedule({ low: 0.8, high: 0.96, period: 40, end: 400 });
    expect(s.valueAt(0)).toBeCloseTo(0.96, 12);
    expect(s.valueAt(20)).toBeCloseTo(0.8, 12);
    expect(s.valueAt(10)).toBeCloseTo(0.88, 12);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 360 }), (t) => {
        const v = s.valueAt(t);
        return Math.abs(s.valueAt(t + 40) - v) < 1e-12 && v >= 0.8 - 1e-12 && v <= 0.96 + 1e-12;
      }),
    );
  });

  it('annealed, swings less and less and reaches final at end, kept after it', () => {
    const s = cyclicSchedule({ low: 0.7, high: 0.9, period: 50, begin: 100, end: 600, anneal: true, final: 0.8 });
    expect(s.valueAt(0)).toBeCloseTo(0.9, 12);
    expect(s.valueAt(100)).toBeCloseTo(0.9, 12);
    expect(s.valueAt(600)).toBe(0.8);
    expect(s.valueAt(5000)).toBe(0.8);
    // the swing around the centre 0.8 is at most a(p) = 0.1 (1 − p)
    fc.assert(fc.property(fc.integer({ min: 100, max: 600 }), (t) => Math.abs(s.valueAt(t) - 0.8) <= 0.1 * (1 - (t - 100) / 500) + 1e-12));
  });

  it('takes its annealed final from the window, as a strategy sparsity', () => {
    const s = createComponent(cyclicScheduleDescriptor, { low: 0.5, high: 0.7, period: 10, anneal: true }, { context: { begin: 0, end: 100, final: 0.9 } });
    expect(s.valueAt(100)).toBe(0.9);
  });

  it('refuses bad options naming the field, the value and what is allowed', () => {
    expect(() => cyclicSchedule({ low: 0.9, high: 0.8, period: 10, end: 100 })).toThrow(/cyclic\.low.*must be ≤ high \(0\.8\).*0\.9/s);
    expect(() => cyclicSchedule({ low: 0.1, high: 0.8, period: 2.5, end: 100 })).toThrow(/cyclic\.period.*integer/);
    expect(() => cyclicSchedule({ low: 0.1, high: 0.8, period: 0, end: 100 })).toThrow(/cyclic\.period.*> 0/);
    expect(() => cyclicSchedule({ low: 0.1, high: 0.8, period: 10, end: 100, final: 0.5 })).toThrow(/cyclic\.final.*anneal/);
    expect(() => cyclicSchedule({ low: 0.1, high: 0.8, period: 10, end: 100, anneal: true })).toThrow(/cyclic\.final must be a finite number when anneal is true/);
    expect(() => cyclicSchedule({ low: 0.1, high: 0.8, period: 10, begin: 50, end: 50 })).toThrow(/cyclic\.end must be an integer step greater than cyclic\.begin \(50\)/);
  });
});

interface Setup {
  readonly kernels: readonly PrunableKernel[];
  readonly state: MaskState;
  readonly dispose: () => void;
}

function setUp(density: number, seed: number): Setup {
  const model = tinyMlp({ hidden: [24, 12], seed });
  const kernels = findPrunableKernels(model);
  const rng = Rng.fromSeed(seed);
  const state = createMaskState(
    kernels,
    kernels.map((k) => randomMask(k.shape.size, Math.round(density * k.shape.size), () => rng.float())),
  );
  tf.tidy(() => kernels.forEach((k, i) => k.variable.assign(tf.randomNormal([...k.shape.shape], 0, 1, 'float32', seed + i))));
  state.applyToWeights();
  return {
    kernels,
    state,
    dispose: () => {
      state.dispose();
      model.dispose();
    },
  };
}

const policy = (target: Schedule, fraction: number | undefined, scope: UpdateScope, grow = true): MaskUpdatePolicy => ({
  schedule: updateSchedule({ begin: 0, end: 1000, every: 1 }),
  drop: magnitude,
  ...(grow ? { grow: gradientGrow } : {}),
  targetSparsity: target,
  ...(fraction === undefined ? {} : { dropFraction: constantSchedule(fraction) }),
  scope,
});

const budgetsAt = (setup: Setup, target: number): number[] => budgetsFromDensities(setup.kernels, uniformTest.densities(setup.kernels.map((k) => k.shape), target));

/** Runs one update at `step` of `update` on `setup` with fresh gradients; returns the masks after it. */
async function updateOnce(setup: Setup, update: MaskUpdatePolicy, step: number, selection: MaskSelection): Promise<Uint8Array[]> {
  const gradients = setup.kernels.map((k, i) => tf.randomNormal([...k.shape.shape], 0, 1, 'float32', step * 17 + i));
  try {
    const plan = await planUpdate({ step, update, distribution: uniformTest, kernels: setup.kernels, state: setup.state, gradients, momentum: undefined, rng: Rng.fromSeed(step) }, selection);
    if (!plan.ok) throw new Error(plan.reason);
    try {
      tf.dispose(applyUpdatePlan(plan, setup.state, setup.kernels));
    } finally {
      releaseUpdatePlan(plan);
    }
  } finally {
    tf.dispose(gradients);
  }
  return setup.kernels.map((_, i) => setup.state.mask(i).slice());
}

describe('growth toward the budget', () => {
  it('counts: below the budget a layer grows budget − active on top of the replaced weights; at or above it nothing changes', () => {
    const setup = setUp(0.2, 3);
    try {
      const actives = setup.kernels.map((_, i) => setup.state.active(i));
      const inputs = (update: MaskUpdatePolicy) => ({ step: 0, update, distribution: uniformTest, kernels: setup.kernels, state: setup.state, gradients: [], momentum: undefined, rng: Rng.fromSeed(0) });
      // target sparsity 0.6: every layer is below its budget
      const budgets = budgetsAt(setup, 0.6);
      const grown = updateCounts(inputs(policy(constantSchedule(0.6), 0.25, 'layer')));
      if ('reason' in grown) throw new Error(grown.reason);
      expect(grown.drop).toEqual(actives.map((a) => Math.round(0.25 * a)));
      expect(grown.regrow).toEqual(actives.map((a, i) => Math.round(0.25 * a) + budgets[i]! - a));
      const alone = updateCounts(inputs(policy(constantSchedule(0.6), undefined, 'layer')));
      if ('reason' in alone) throw new Error(alone.reason);
      expect(alone.drop).toEqual(actives.map(() => 0));
      expect(alone.regrow).toEqual(actives.map((a, i) => budgets[i]! - a));
      // without a grow criterion the target only prunes
      const pruneOnly = updateCounts(inputs(policy(constantSchedule(0.6), undefined, 'layer', false)));
      if ('reason' in pruneOnly) throw new Error(pruneOnly.reason);
      expect(pruneOnly.regrow).toEqual(actives.map(() => 0));
      // target sparsity 0.9: above the budget, prune then replace, as before
      const low = budgetsAt(setup, 0.9);
      const pruned = updateCounts(inputs(policy(constantSchedule(0.9), 0.25, 'layer')));
      if ('reason' in pruned) throw new Error(pruned.reason);
      expect(pruned.drop).toEqual(actives.map((a, i) => a - low[i]! + Math.round(0.25 * low[i]!)));
      expect(pruned.regrow).toEqual(low.map((b) => Math.round(0.25 * b)));
    } finally {
      setup.dispose();
    }
  });

  for (const [name, selection] of Object.entries(SELECTIONS)) {
    for (const scope of ['layer', 'global'] as const) {
      it(`density follows a target that moves up and down, every update exact (${scope} scope, ${name} selection)`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.double({ min: 0.3, max: 0.95, noNaN: true }), { minLength: 3, maxLength: 6 }), fc.constantFrom(0, 0.1, 0.3), fc.integer({ min: 1, max: 50 }), async (targets, fraction, seed) => {
            const setup = setUp(0.5, seed);
            try {
              const target: Schedule = { kind: 'steps', valueAt: (t) => targets[t - 1]! };
              const update = policy(target, fraction, scope);
              for (let t = 1; t <= targets.length; t++) {
                const masks = await updateOnce(setup, update, t, selection);
                const budgets = budgetsAt(setup, targets[t - 1]!);
                const actives = masks.map(countActive);
                if (scope === 'layer') {
                  expect(actives).toEqual(budgets);
                  actives.forEach((a, i) => expect(Math.abs(a - (1 - targets[t - 1]!) * setup.kernels[i]!.shape.size)).toBeLessThanOrEqual(1));
                } else {
                  expect(actives.reduce((a, b) => a + b, 0)).toBe(budgets.reduce((a, b) => a + b, 0));
                }
                actives.forEach((a, i) => expect(setup.state.active(i)).toBe(a));
              }
            } finally {
              setup.dispose();
            }
          }),
          { numRuns: 8 },
        );
      });
    }
  }

  it('without a drop fraction a target with growth still grows up to the budget and, above it, moves the mask without pruning (as before)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: 0.3, max: 0.95, noNaN: true }), { minLength: 3, maxLength: 6 }), fc.integer({ min: 1, max: 50 }), async (targets, seed) => {
        const setup = setUp(0.5, seed);
        try {
          const update = policy({ kind: 'steps', valueAt: (t) => targets[t - 1]! }, undefined, 'layer');
          for (let t = 1; t <= targets.length; t++) {
            const before = setup.kernels.map((_, i) => setup.state.active(i));
            const masks = await updateOnce(setup, update, t, hostMaskSelection);
            const budgets = budgetsAt(setup, targets[t - 1]!);
            expect(masks.map(countActive)).toEqual(before.map((a, i) => Math.max(a, budgets[i]!)));
          }
        } finally {
          setup.dispose();
        }
      }),
      { numRuns: 8 },
    );
  });

  it('with a redistribution the total follows the target and every layer stays within its size', async () => {
    const setup = setUp(0.3, 5);
    const momentum = setup.kernels.map((k, i) => tf.randomNormal([...k.shape.shape], 0, 1, 'float32', 90 + i));
    try {
      const update: MaskUpdatePolicy = { ...policy(constantSchedule(0.5), 0.2, 'layer'), grow: momentumGrow, redistribution: proportional };
      const gradients = setup.kernels.map((k) => tf.zerosLike(k.variable));
      const plan = await planUpdate({ step: 1, update, distribution: uniformTest, kernels: setup.kernels, state: setup.state, gradients, momentum, rng: Rng.fromSeed(1) });
      tf.dispose(gradients);
      if (!plan.ok) throw new Error(plan.reason);
      tf.dispose(applyUpdatePlan(plan, setup.state, setup.kernels));
      releaseUpdatePlan(plan);
      const total = setup.kernels.reduce((s, _, i) => s + setup.state.active(i), 0);
      expect(total).toBe(budgetsAt(setup, 0.5).reduce((a, b) => a + b, 0));
    } finally {
      tf.dispose(momentum);
      setup.dispose();
    }
  });

  it('a trainer on a cyclic annealed target follows it up and down and ends every layer at its budget', async () => {
    const model = tinyMlp({ hidden: [24, 12], seed: 4 });
    const end = 60;
    const strategy: SparseStrategy = {
      name: 'cyclic-test',
      sparsity: 0.8,
      distribution: uniformTest,
      init: { kind: 'random' },
      update: {
        schedule: updateSchedule({ begin: 0, end: end + 1, every: 5 }),
        drop: magnitude,
        grow: gradientGrow,
        dropFraction: constantSchedule(0.2),
        targetSparsity: cyclicSchedule({ low: 0.6, high: 0.9, period: 20, end, anneal: true, final: 0.8 }),
      },
    };
    const trainer = new SparseTrainer(model, { strategy, optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', seed: 1 });
    const kernels = findPrunableKernels(model);
    const seen: number[] = [];
    try {
      for (const [t, batch] of syntheticBatches({ count: end + 1 }).entries()) {
        const { x, y } = toTensors(batch);
        const r = await trainer.step(x, y);
        tf.dispose([x, y]);
        if (!r.maskUpdated) continue;
        const target = strategy.update!.targetSparsity!.valueAt(t);
        const budgets = budgetsFromDensities(kernels, uniformTest.densities(kernels.map((k) => k.shape), target));
        expect(trainer.summary().layers.map((l) => l.active)).toEqual(budgets);
        seen.push(trainer.summary().sparsity);
      }
      // the schedule moved density both ways, and the last update (t = 60 = end) hit the final sparsity's budgets exactly
      expect(seen.some((s, i) => i > 0 && s > seen[i - 1]!)).toBe(true);
      expect(seen.some((s, i) => i > 0 && s < seen[i - 1]!)).toBe(true);
      const final = budgetsFromDensities(kernels, uniformTest.densities(kernels.map((k) => k.shape), 0.8));
      expect(trainer.summary().layers.map((l) => l.active)).toEqual(final);
    } finally {
      trainer.dispose();
      model.dispose();
    }
  });
});

describe("init { kind: 'masks' }", () => {
  const staticWith = (masks: readonly Uint8Array[]): SparseStrategy => ({ name: 'given', sparsity: 0.5, distribution: uniformTest, init: { kind: 'masks', masks } });

  it('starts from exactly the given masks, zeroes the rest, and keeps them when the caller edits its arrays', async () => {
    const model = tinyMlp({ seed: 2 });
    const kernels = findPrunableKernels(model);
    const rng = Rng.fromSeed(9);
    const masks = kernels.map((k, i) => randomMask(k.shape.size, Math.round((0.1 + 0.3 * i) * k.shape.size), () => rng.float()));
    const expected = masks.map((m) => m.slice());
    const trainer = new SparseTrainer(model, { strategy: staticWith(masks), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    try {
      await trainer.initialize();
      masks[0]!.fill(1);
      expect(trainer.masks()).toEqual(expected);
      for (const [i, k] of kernels.entries()) {
        const w = await k.variable.data();
        expected[i]!.forEach((m, j) => {
          if (m === 0) expect(w[j]).toBe(0);
        });
      }
      const { x, y } = toTensors(syntheticBatches({ count: 1 })[0]!);
      await trainer.step(x, y);
      tf.dispose([x, y]);
      expect(trainer.masks()).toEqual(expected);
    } finally {
      trainer.dispose();
      model.dispose();
    }
  });

  it('refuses masks of the wrong count, size or values before training, naming the layer', () => {
    const model = tinyMlp({ seed: 2 });
    const kernels = findPrunableKernels(model);
    const ones = kernels.map((k) => new Uint8Array(k.shape.size).fill(1));
    const make = (masks: readonly Uint8Array[]) => () => new SparseTrainer(model, { strategy: staticWith(masks), optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    try {
      expect(make(ones.slice(1))).toThrow(/strategy\.init\.masks must hold one mask per masked layer \(3: .*\), got 2 masks/);
      const short = [...ones];
      short[1] = new Uint8Array(5);
      expect(make(short)).toThrow(new RegExp(`strategy\\.init\\.masks\\[1\\] \\(layer ${kernels[1]!.shape.layerName}\\) must have the kernel's ${kernels[1]!.shape.size} entries.*got 5`));
      const odd = ones.map((m) => m.slice());
      odd[2]![3] = 2;
      expect(make(odd)).toThrow(/strategy\.init\.masks\[2\] .* must hold only 0 and 1, got 2 at position 3/);
      const wrongType: Uint8Array[] = [...ones];
      wrongType[0] = [1, 0] as unknown as Uint8Array;
      expect(make(wrongType)).toThrow(/strategy\.init\.masks\[0\] .* must be a Uint8Array/);
    } finally {
      model.dispose();
    }
  });

  it('refuses masks that break an N:M granularity', () => {
    const model = tinyMlp({ seed: 2, hidden: [8] });
    const kernels = findPrunableKernels(model);
    const masks = kernels.map((k) => new Uint8Array(k.shape.size).fill(1));
    const strategy: SparseStrategy = { ...staticWith(masks), granularity: { kind: 'n:m', n: 2, m: 4 } };
    try {
      expect(() => new SparseTrainer(model, { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' })).toThrow(/strategy\.init\.masks\[0\] .* breaks granularity 'n:m': group 0 does not hold exactly 2 of its 4 weights/);
    } finally {
      model.dispose();
    }
  });
});
