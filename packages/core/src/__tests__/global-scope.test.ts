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
import { applyUpdatePlan, planUpdate, rankGlobally, releaseUpdatePlan, type UpdateInputs, type UpdatePlan } from '../mask-update.js';
import { Rng } from '../rng.js';
import { constantSchedule, updateSchedule } from '../schedules.js';
import { randomMask } from '../selection.js';
import { tinyMlp } from '../testing/index.js';
import { gradientGrow, magnitude, randomGrow, uniformTest } from '../testing/reference-strategies.js';
import type { Distribution, MaskUpdatePolicy, UpdateScope } from '../types.js';

// Global ranking of mask updates (one ranking across layers, as global magnitude pruning) and the combined
// prune-and-regrow policy (GraNet, Liu et al. 2021): exact counts, equivalence with layer scope on one layer, and
// the k lowest scores across layers dropped.

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerHostMaskSelect('cpu');
});

const SELECTIONS: Record<string, MaskSelection> = { host: hostMaskSelection, device: deviceMaskSelection };

interface Setup {
  readonly kernels: readonly PrunableKernel[];
  readonly state: MaskState;
  readonly dispose: () => void;
}

/** A small MLP whose masked layers start at `density` at random, weights and gradients drawn from `seed`. */
function setUp(hidden: number[], density: number, seed: number, layers?: number): Setup {
  const model = tinyMlp({ hidden, seed });
  const kernels = findPrunableKernels(model).slice(0, layers);
  const rng = Rng.fromSeed(seed);
  const masks = kernels.map((k) => randomMask(k.shape.size, Math.round(density * k.shape.size), () => rng.float()));
  const state = createMaskState(kernels, masks);
  tf.tidy(() => kernels.forEach((k, i) => k.variable.assign(tf.mul(tf.randomNormal([...k.shape.shape], 0, 1, 'float32', seed + i), state.maskTensor(i)))));
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

function inputsOf(setup: Setup, update: MaskUpdatePolicy, gradients: tf.Tensor[], step = 0, distribution: Distribution = uniformTest): UpdateInputs {
  return { step, update, distribution, kernels: setup.kernels, state: setup.state, gradients, momentum: undefined, rng: Rng.fromSeed(step + 7) };
}

async function plan(setup: Setup, update: MaskUpdatePolicy, gradients: tf.Tensor[], selection: MaskSelection, step = 0): Promise<Extract<UpdatePlan, { ok: true }>> {
  const result = await planUpdate(inputsOf(setup, update, gradients, step), selection);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

function apply(setup: Setup, p: Extract<UpdatePlan, { ok: true }>): void {
  try {
    tf.dispose(applyUpdatePlan(p, setup.state, setup.kernels));
  } finally {
    releaseUpdatePlan(p);
  }
}

const gradientsOf = (setup: Setup, seed: number): tf.Tensor[] => setup.kernels.map((k, i) => tf.randomNormal([...k.shape.shape], 0, 1, 'float32', seed * 31 + i));

const policies = {
  pruning: (target: number, _fraction: number, scope: UpdateScope): MaskUpdatePolicy => ({ schedule: updateSchedule({ begin: 0, end: 100, every: 1 }), drop: magnitude, targetSparsity: constantSchedule(target), scope }),
  rigl: (_target: number, fraction: number, scope: UpdateScope): MaskUpdatePolicy => ({ schedule: updateSchedule({ begin: 0, end: 100, every: 1 }), drop: magnitude, grow: gradientGrow, dropFraction: constantSchedule(fraction), scope }),
  set: (_target: number, fraction: number, scope: UpdateScope): MaskUpdatePolicy => ({ schedule: updateSchedule({ begin: 0, end: 100, every: 1 }), drop: magnitude, grow: randomGrow, dropFraction: constantSchedule(fraction), scope }),
  granet: (target: number, fraction: number, scope: UpdateScope): MaskUpdatePolicy => ({
    schedule: updateSchedule({ begin: 0, end: 100, every: 1 }),
    drop: magnitude,
    grow: gradientGrow,
    targetSparsity: constantSchedule(target),
    dropFraction: constantSchedule(fraction),
    scope,
  }),
};
type PolicyKind = keyof typeof policies;

const budgetTotal = (setup: Setup, target: number): number => budgetsFromDensities(setup.kernels, uniformTest.densities(setup.kernels.map((k) => k.shape), target)).reduce((a, b) => a + b, 0);

describe('rankGlobally', () => {
  it('selects exactly the k lowest active (highest inactive) scores across layers, ties to the earlier layer then the lower index', () => {
    const layerArb = fc.integer({ min: 1, max: 12 }).chain((n) => fc.record({ scores: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: n, maxLength: n }), mask: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }) }));
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('drop' as const, 'grow' as const), (layers, share, stage) => {
        const masks = layers.map((l) => Uint8Array.from(l.mask));
        const candidates = layers.flatMap((l, layer) => l.scores.map((score, index) => ({ score, layer, index })).filter((c) => (l.mask[c.index] === 1) === (stage === 'drop')));
        const k = Math.floor(share * candidates.length);
        const { counts, positions } = rankGlobally(layers.map((l) => l.scores), masks, k, stage);
        const order = [...candidates].sort((a, b) => (stage === 'drop' ? a.score - b.score : b.score - a.score) || a.layer - b.layer || a.index - b.index);
        const expected = layers.map((_, layer) => order.slice(0, k).filter((c) => c.layer === layer).map((c) => c.index).sort((a, b) => a - b));
        expect(positions.map((p) => Array.from(p))).toEqual(expected);
        expect(counts).toEqual(expected.map((e) => e.length));
      }),
      { numRuns: 200 },
    );
  });
});

describe('planUpdate with scope global', () => {
  for (const [selectionName, selection] of Object.entries(SELECTIONS)) {
    it(`keeps counts exact after every update (${selectionName} selection): total active = budget, every layer within its size`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<PolicyKind>('pruning', 'rigl', 'set', 'granet'),
          fc.tuple(fc.integer({ min: 3, max: 16 }), fc.integer({ min: 2, max: 10 })),
          fc.double({ min: 0.2, max: 1, noNaN: true }),
          fc.array(fc.double({ min: 0, max: 0.95, noNaN: true }), { minLength: 3, maxLength: 3 }),
          fc.double({ min: 0, max: 0.8, noNaN: true }),
          fc.integer({ min: 1, max: 1000 }),
          async (kind, hidden, density, targets, fraction, seed) => {
            const setup = setUp(hidden, density, seed);
            try {
              for (const [step, rawTarget] of targets.entries()) {
                const before = setup.kernels.reduce((sum, _, i) => sum + setup.state.active(i), 0);
                const gradients = gradientsOf(setup, seed + step);
                // a plan released unapplied leaves no tensor behind
                const tensors = tf.memory().numTensors;
                releaseUpdatePlan(await plan(setup, policies[kind](rawTarget, fraction, 'global'), gradients, selection, step));
                expect(tf.memory().numTensors).toBe(tensors);
                const p = await plan(setup, policies[kind](rawTarget, fraction, 'global'), gradients, selection, step);
                tf.dispose(gradients);
                apply(setup, p);
                const actives = setup.kernels.map((_, i) => setup.state.active(i));
                const total = actives.reduce((a, b) => a + b, 0);
                actives.forEach((a, i) => {
                  expect(a).toBeGreaterThanOrEqual(0);
                  expect(a).toBeLessThanOrEqual(setup.kernels[i]!.shape.size);
                  expect(a).toBe(setup.state.mask(i).reduce((s, v) => s + v, 0));
                });
                if (kind === 'rigl' || kind === 'set') expect(total).toBe(before);
                // pruning alone never grows; with a grow criterion a total below the budget grows up to it
                else if (kind === 'pruning') expect(total).toBe(Math.min(before, budgetTotal(setup, rawTarget)));
                else expect(total).toBe(budgetTotal(setup, rawTarget));
              }
            } finally {
              setup.dispose();
            }
          },
        ),
        { numRuns: 15 },
      );
    });

    it(`with one masked layer plans exactly what layer scope plans (${selectionName} selection)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<PolicyKind>('pruning', 'rigl', 'set', 'granet'),
          fc.double({ min: 0.2, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 0.95, noNaN: true }),
          fc.double({ min: 0, max: 0.8, noNaN: true }),
          fc.integer({ min: 1, max: 1000 }),
          async (kind, density, target, fraction, seed) => {
            const setup = setUp([12, 6], density, seed, 1);
            const gradients = gradientsOf(setup, seed);
            try {
              const layer = await plan(setup, policies[kind](target, fraction, 'layer'), gradients, selection);
              const global = await plan(setup, policies[kind](target, fraction, 'global'), gradients, selection);
              const shown = (p: Extract<UpdatePlan, { ok: true }>) => ({ changedAny: p.changedAny, rng: p.rng.getState(), layers: p.layers.map((l) => [Array.from(l.mask), Array.from(l.newConnections)]) });
              expect(shown(global)).toEqual(shown(layer));
              releaseUpdatePlan(layer);
              releaseUpdatePlan(global);
            } finally {
              tf.dispose(gradients);
              setup.dispose();
            }
          },
        ),
        { numRuns: 15 },
      );
    });

    it(`drops exactly the k lowest |w| across layers and grows the highest |g| among the positions then inactive (${selectionName} selection)`, async () => {
      const setup = setUp([20, 10], 0.5, 5);
      const gradients = gradientsOf(setup, 5);
      try {
        const weights = await Promise.all(setup.kernels.map(async (k) => Float32Array.from((await k.variable.data()) as Float32Array, Math.abs)));
        const grads = await Promise.all(gradients.map(async (g) => Float32Array.from((await g.data()) as Float32Array, Math.abs)));
        const before = setup.kernels.map((_, i) => setup.state.mask(i).slice());
        const active = before.flatMap((m, layer) => Array.from(m, (v, index) => ({ v, layer, index })).filter((c) => c.v === 1));
        const k = Math.round(0.3 * active.length);
        const lowest = active.map((c) => ({ ...c, s: weights[c.layer]![c.index]! })).sort((a, b) => a.s - b.s).slice(0, k);
        const p = await plan(setup, policies.rigl(0, 0.3, 'global'), gradients, selection);
        const dropped = lowest.map((c) => `${c.layer}:${c.index}`).sort();
        const afterDrop = before.map((m) => m.slice());
        for (const c of lowest) afterDrop[c.layer]![c.index] = 0;
        const inactive = afterDrop.flatMap((m, layer) => Array.from(m, (v, index) => ({ v, layer, index })).filter((c) => c.v === 0));
        const highest = inactive.map((c) => ({ ...c, s: grads[c.layer]![c.index]! })).sort((a, b) => b.s - a.s).slice(0, k);
        const expected = afterDrop.map((m) => m.slice());
        for (const c of highest) expected[c.layer]![c.index] = 1;
        expect(p.layers.map((l) => Array.from(l.mask))).toEqual(expected.map((m) => Array.from(m)));
        // the layers' counts moved: one ranking, not per-layer budgets
        const removed = before.flatMap((m, layer) => Array.from(m, (v, index) => (v === 1 && afterDrop[layer]![index] === 0 ? `${layer}:${index}` : '')).filter(Boolean)).sort();
        expect(removed).toEqual(dropped);
        releaseUpdatePlan(p);
      } finally {
        tf.dispose(gradients);
        setup.dispose();
      }
    });
  }

  it('skips an update whose scores are not finite, naming the layer, and leaks nothing', async () => {
    const setup = setUp([8, 6], 0.6, 3);
    const gradients = gradientsOf(setup, 3);
    const tensors = tf.memory().numTensors;
    try {
      const nanDrop = { kind: 'nan', score: ({ weight }: { weight: tf.Tensor }) => tf.div(weight, tf.scalar(0)) };
      const result = await planUpdate(inputsOf(setup, { ...policies.rigl(0, 0.3, 'global'), drop: nanDrop }, gradients), hostMaskSelection);
      expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^'nan' drop scores of layer \S+ are not finite/) });
      expect(tf.memory().numTensors).toBe(tensors);
    } finally {
      tf.dispose(gradients);
      setup.dispose();
    }
  });

  it('refuses a redistribution, which also decides per-layer counts', async () => {
    const setup = setUp([8, 6], 0.6, 3);
    try {
      const update: MaskUpdatePolicy = { ...policies.rigl(0, 0.3, 'global'), redistribution: { kind: 'momentum', allocate: () => [] } };
      await expect(planUpdate(inputsOf(setup, update, []))).rejects.toThrow(/scope 'global' and redistribution 'momentum' both decide per-layer counts/);
    } finally {
      setup.dispose();
    }
  });
});

describe('prune and regrow (targetSparsity with dropFraction), layer scope', () => {
  it('prunes each layer to its budget, then replaces the fraction of what is left: drops p + r, grows r', async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0.3, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.95, noNaN: true }), fc.double({ min: 0, max: 0.8, noNaN: true }), fc.integer({ min: 1, max: 1000 }), async (density, target, fraction, seed) => {
        const setup = setUp([14, 9], density, seed);
        const gradients = gradientsOf(setup, seed);
        try {
          const before = setup.kernels.map((_, i) => setup.state.mask(i).slice());
          const budgets = budgetsFromDensities(setup.kernels, uniformTest.densities(setup.kernels.map((k) => k.shape), target));
          const p = await plan(setup, policies.granet(target, fraction, 'layer'), gradients, hostMaskSelection);
          p.layers.forEach((change, i) => {
            const active = before[i]!.reduce((s, v) => s + v, 0);
            const pruned = Math.max(0, active - budgets[i]!);
            const replaced = Math.round(fraction * (active - pruned));
            // below its budget a layer also grows up to it (growth toward the budget)
            const extra = Math.max(0, budgets[i]! - active);
            let dropped = 0;
            let grown = 0;
            for (let j = 0; j < change.mask.length; j++) {
              if (before[i]![j] === 1 && change.mask[j] === 0) dropped++;
              if (before[i]![j] === 0 && change.mask[j] === 1) grown++;
            }
            expect(change.mask.reduce((s, v) => s + v, 0)).toBe(budgets[i]!);
            // a replaced weight may be regrown at once, so the net change bounds the counts
            expect(dropped - grown).toBe(pruned - extra);
            expect(grown).toBeLessThanOrEqual(replaced + extra);
            expect(change.newConnections.length).toBe(grown);
          });
          releaseUpdatePlan(p);
        } finally {
          tf.dispose(gradients);
          setup.dispose();
        }
      }),
      { numRuns: 20 },
    );
  });
});
