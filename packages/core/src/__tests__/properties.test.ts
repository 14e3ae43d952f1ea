import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint.js';
import { constantSchedule, polynomialSparsitySchedule, updateSchedule } from '../schedules.js';
import { syntheticBatches, tinyMlp, toTensors, type HostBatch } from '../testing/index.js';
import { gradientGrow, magnitude, momentumGrow, proportional, randomGrow } from '../testing/reference-strategies.js';
import { SparseTrainer } from '../trainer.js';
import type { Distribution, GrowInitializer, SparseStrategy } from '../types.js';
import { TEST_OPTIMIZERS } from './trainer-fixtures.js';

// Property tests over random strategies, optimizers, distributions and widths: 3 × 50 = 150 cases, each a few
// dozen steps of a small MLP (a few seconds on one core).

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const OPTIMIZERS = TEST_OPTIMIZERS;
type OptimizerName = keyof typeof OPTIMIZERS;
const KINDS = ['rigl', 'set', 'snfs', 'pruning', 'static'] as const;
type Kind = (typeof KINDS)[number];

interface Case {
  readonly kind: Kind;
  readonly optimizer: OptimizerName;
  readonly sparsity: number;
  readonly dropFraction: number;
  readonly every: number;
  /** Per-layer factors of the density (1 − s): a random non-uniform distribution. */
  readonly spread: readonly number[];
  readonly hidden: readonly number[];
  readonly init: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  kind: fc.constantFrom(...KINDS),
  optimizer: fc.constantFrom(...(Object.keys(OPTIMIZERS) as OptimizerName[])),
  sparsity: fc.double({ min: 0.5, max: 0.9, noNaN: true }),
  dropFraction: fc.double({ min: 0.05, max: 0.6, noNaN: true }),
  every: fc.integer({ min: 1, max: 3 }),
  spread: fc.array(fc.double({ min: 0.6, max: 1.4, noNaN: true }), { minLength: 3, maxLength: 3 }),
  hidden: fc.tuple(fc.integer({ min: 4, max: 20 }), fc.integer({ min: 3, max: 12 })),
  init: fc.constantFrom(0, 0.25),
});

const constantInit = (value: number): GrowInitializer => ({ kind: value === 0 ? 'zeros' : 'constant', values: ({ layer }) => tf.fill([...layer.shape], value) });

function strategyOf(c: Case, totalSteps: number): SparseStrategy {
  const distribution: Distribution = { kind: 'spread', densities: (layers, s) => layers.map((_, i) => Math.min(1, (1 - s) * c.spread[i]!)) };
  const schedule = updateSchedule({ begin: 0, end: totalSteps, every: c.every });
  const base = { name: `${c.kind}-property`, sparsity: c.sparsity, distribution, init: { kind: 'random' as const } };
  const growInit = constantInit(c.init);
  switch (c.kind) {
    case 'rigl':
      return { ...base, update: { schedule, drop: magnitude, grow: gradientGrow, growInit, dropFraction: constantSchedule(c.dropFraction) } };
    case 'set':
      return { ...base, update: { schedule, drop: magnitude, grow: randomGrow, growInit, dropFraction: constantSchedule(c.dropFraction) } };
    case 'snfs':
      return { ...base, update: { schedule, drop: magnitude, grow: momentumGrow, growInit, redistribution: proportional, dropFraction: constantSchedule(c.dropFraction) } };
    case 'pruning':
      return { ...base, init: { kind: 'dense' }, update: { schedule, drop: magnitude, targetSparsity: polynomialSparsitySchedule({ final: c.sparsity, begin: 0, end: totalSteps }) } };
    case 'static':
      return base;
  }
}

const trainerFor = (c: Case, totalSteps: number): SparseTrainer =>
  new SparseTrainer(tinyMlp({ hidden: [...c.hidden] }), { strategy: strategyOf(c, totalSteps), optimizer: OPTIMIZERS[c.optimizer](), loss: 'categoricalCrossentropy', onWarning: () => undefined });

const batches = syntheticBatches({ count: 14, batchSize: 8 });

async function stepOn(trainer: SparseTrainer, batch: HostBatch) {
  const { x, y } = toTensors(batch);
  try {
    return await trainer.step(x, y);
  } finally {
    tf.dispose([x, y]);
  }
}

const bits = (values: tf.TypedArray): number[] => Array.from(new Uint32Array(Float32Array.from(values as Float32Array).buffer));

/** The whole trainable state as bit patterns, names left out (they carry tfjs's global layer counter). */
async function fingerprint(trainer: SparseTrainer): Promise<unknown> {
  const slots = await trainer.optimizer.getWeights();
  const optimizer = await Promise.all(slots.map(async ({ tensor }) => bits(await tensor.data())));
  tf.dispose(slots.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
  return {
    step: trainer.stepCount,
    masks: trainer.masks(),
    weights: await Promise.all(trainer.model.weights.map(async (w) => bits(await w.read().data()))),
    optimizer,
    flops: trainer.flops(),
    active: trainer.summary().layers.map((l) => l.active),
  };
}

function dispose(trainer: SparseTrainer): void {
  trainer.dispose();
  trainer.optimizer.dispose();
}

describe('properties of training (fast-check)', () => {
  let runs = 0;
  let changed = 0;
  let slotChecks = 0;
  let grownAtConstant = 0;
  it('exact active counts, inactive weights exactly 0, grown weights at their init, optimizer slots reset where masks changed', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const steps = 8;
        const trainer = trainerFor(c, steps);
        runs++;
        try {
          let before: Uint8Array[] | undefined;
          let firstActive: number[] | undefined;
          for (let t = 0; t < steps; t++) {
            const result = await stepOn(trainer, batches[t]!);
            const masks = trainer.masks();
            const summary = trainer.summary();
            const kernels = await Promise.all(trainer.summary().layers.map(async (l) => (await trainer.model.weights.find((w) => w.name === l.name)!.read().data()) as Float32Array));
            const slots = await trainer.optimizer.getWeights();
            const slotValues = await Promise.all(slots.map(async (s) => ({ name: s.name, values: (await s.tensor.data()) as Float32Array })));
            tf.dispose(slots.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
            const actives = masks.map((m) => m.reduce((a, v) => a + v, 0));
            expect(actives).toEqual(summary.layers.map((l) => l.active));
            firstActive ??= actives;
            if (c.kind === 'snfs') expect(actives.reduce((a, b) => a + b, 0)).toBe(firstActive.reduce((a, b) => a + b, 0));
            else if (c.kind === 'pruning') actives.forEach((a, l) => expect(a).toBeLessThanOrEqual(before ? before[l]!.reduce((s, v) => s + v, 0) : a));
            else expect(actives).toEqual(firstActive);
            masks.forEach((mask, l) => {
              const layerSlots = slotValues.filter((s) => s.name.startsWith(`${summary.layers[l]!.name}/`));
              for (let j = 0; j < mask.length; j++) {
                if (mask[j] === 0) expect(Object.is(kernels[l]![j], 0), `inactive weight ${j} of layer ${l} at step ${t}`).toBe(true);
                if (!before || !result.maskUpdated || mask[j] === before[l]![j]) continue;
                for (const slot of layerSlots) expect(slot.values[j], `slot ${slot.name}[${j}] after the update at step ${t}`).toBe(0);
                changed++;
                if (layerSlots.length > 0) slotChecks++;
                if (mask[j] === 1) {
                  expect(kernels[l]![j], `grown weight ${j} of layer ${l} at step ${t}`).toBe(Math.fround(c.init));
                  if (c.init !== 0) grownAtConstant++;
                }
              }
            });
            before = masks;
          }
        } finally {
          dispose(trainer);
        }
      }),
      { numRuns: 50, seed: 20261201 },
    );
    // the cases did exercise what they check
    expect(runs).toBe(50);
    expect(changed).toBeGreaterThan(100);
    expect(slotChecks).toBeGreaterThan(50);
    expect(grownAtConstant).toBeGreaterThan(20);
  });

  it('save/load at a random step k resumes bit-identically for every optimizer and strategy', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, fc.integer({ min: 1, max: 13 }), async (c, k) => {
        // Adam's β powers recomputed by setWeights drift from the accumulated ones from k ≈ 11 on
        const total = 14;
        const reference = trainerFor(c, total);
        const resumed = trainerFor(c, total);
        try {
          let bytes: Uint8Array | undefined;
          for (let t = 0; t < total; t++) {
            await stepOn(reference, batches[t]!);
            if (t + 1 === k) bytes = encodeCheckpoint(await reference.saveCheckpoint());
          }
          await resumed.loadCheckpoint(decodeCheckpoint(bytes!));
          for (let t = k; t < total; t++) await stepOn(resumed, batches[t]!);
          expect(await fingerprint(resumed)).toEqual(await fingerprint(reference));
        } finally {
          dispose(reference);
          dispose(resumed);
        }
      }),
      { numRuns: 50, seed: 7 },
    );
  });

  it('NaN/±Inf batches injected at random steps (update steps included) are skipped: the run ends bit-identical to one without them', async () => {
    const poison = (batch: HostBatch, value: number, inLabels: boolean, at: number): HostBatch => {
      const x = batch.x.slice();
      const y = batch.y.slice();
      if (inLabels) y[at % y.length] = value;
      else x[at % x.length] = value;
      return { x, y, size: batch.size };
    };
    const injection = fc.record({ before: fc.integer({ min: 0, max: 7 }), value: fc.constantFrom(NaN, Infinity, -Infinity), inLabels: fc.boolean(), at: fc.nat() });
    await fc.assert(
      fc.asyncProperty(caseArb, fc.array(injection, { minLength: 1, maxLength: 4 }), async (c, injections) => {
        const steps = 8;
        const clean = trainerFor(c, steps);
        const dirty = trainerFor(c, steps);
        try {
          for (let t = 0; t < steps; t++) {
            await stepOn(clean, batches[t]!);
            for (const inj of injections.filter((i) => i.before === t)) {
              const result = await stepOn(dirty, poison(batches[t]!, inj.value, inj.inLabels, inj.at));
              expect(result).toMatchObject({ step: t, skipped: true, maskUpdated: false });
            }
            expect((await stepOn(dirty, batches[t]!)).skipped).toBe(false);
          }
          expect(await fingerprint(dirty)).toEqual(await fingerprint(clean));
          const health = dirty.health();
          expect(health.skippedSteps).toBe(injections.length);
          expect(health.scheduledUpdates).toBe(clean.health().scheduledUpdates);
          expect(health.warnings.find((w) => w.kind === 'non-finite-step')).toMatchObject({ count: injections.length, firstStep: Math.min(...injections.map((i) => i.before)) });
        } finally {
          dispose(clean);
          dispose(dirty);
        }
      }),
      { numRuns: 50, seed: 99 },
    );
  });
});
