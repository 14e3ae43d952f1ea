import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint.js';
import type { TrainingEngine } from '../engine.js';
import { SparseTrainer, type SparseTrainerOptions } from '../trainer.js';
import type { SparseStrategy } from '../types.js';
import { syntheticBatches, tinyMlp, toTensors, type HostBatch } from './fixtures.js';

/** What the suite passes to a strategy factory. */
export interface ConformanceContext {
  /** Steps the suite trains for. */
  readonly totalSteps: number;
  /** Steps between mask updates the suite wants (short, so that updates happen). */
  readonly updateEvery: number;
  /** Target sparsity. */
  readonly sparsity: number;
}

/** One strategy under test and what to expect of it. */
export interface ConformanceStrategy {
  /** Builds the strategy. */
  create(context: ConformanceContext): SparseStrategy;
  /** `change`: masks move at updates with constant counts; `fixed`: masks never move; `prune`: counts only fall. */
  readonly masks: 'change' | 'fixed' | 'prune';
  /**
   * Whether per-layer counts may move between layers (SNFS redistribution, global ranking): with `change` the total
   * stays, with `prune` only the total must not rise. @default false
   */
  readonly redistributes?: boolean;
  /**
   * Whether a layer may lose active weights to neuron ablation (SRigL, Lasby et al. 2024): with `change` each layer's
   * count stays at most its initial one instead of equal to it. @default false
   */
  readonly ablates?: boolean;
  /** Whether grown weights start at exactly zero. @default true */
  readonly zeroInit?: boolean;
}

/** Options of {@link runConformanceSuite}. */
export interface ConformanceOptions {
  /** Label of the backend or package under test, used in test names. */
  readonly name: string;
  /** Activates the backend under test (called once before the tests). */
  readonly setup: () => Promise<void>;
  /** Strategies to check, by name. */
  readonly strategies: Readonly<Record<string, ConformanceStrategy>>;
  /** Sparsity to train at. @default 0.8 */
  readonly sparsity?: number;
  /** Further trainer options (e.g. `selection`), applied over the suite's own. @default {} */
  readonly trainerOptions?: Partial<SparseTrainerOptions>;
  /**
   * Makes the trainer under test from the suite's model and options: the engine the suite holds to its behaviour
   * (the sparse engine's tests pass one that builds a `SparseEngineTrainer`). The suite disposes the trainer, the
   * model and the optimizer. @default the masked engine, `new SparseTrainer(model, options)`
   */
  readonly createTrainer?: (model: LayersModel, options: SparseTrainerOptions) => TrainingEngine;
}

const STEPS = 40;
const UPDATE_EVERY = 5;

type CreateTrainer = (model: LayersModel, options: SparseTrainerOptions) => TrainingEngine;
const maskedEngine: CreateTrainer = (model, options) => new SparseTrainer(model, options);
/** The model each trainer under test was made from (the suite made it, so the suite disposes it). */
const models = new WeakMap<TrainingEngine, LayersModel>();

function makeTrainer(create: CreateTrainer, strategy: SparseStrategy, trainerOptions: Partial<SparseTrainerOptions> = {}, seed = 3): TrainingEngine {
  const model = tinyMlp({ seed: 1 });
  const trainer = create(model, {
    strategy,
    optimizer: tf.train.momentum(0.05, 0.9),
    loss: 'categoricalCrossentropy',
    seed,
    weightDecay: 1e-4,
    onWarning: () => undefined,
    ...trainerOptions,
  });
  models.set(trainer, model);
  return trainer;
}

async function train(trainer: TrainingEngine, batches: readonly HostBatch[], from = 0, to = batches.length): Promise<number[]> {
  const losses: number[] = [];
  for (let i = from; i < to; i++) {
    const { x, y } = toTensors(batches[i]!);
    losses.push((await trainer.step(x, y)).loss);
    tf.dispose([x, y]);
  }
  return losses;
}

async function snapshot(trainer: TrainingEngine): Promise<{ masks: Uint8Array[]; weights: Float32Array[] }> {
  return { masks: trainer.masks(), weights: (await trainer.denseState()).weights };
}

function disposeAll(trainer: TrainingEngine): void {
  trainer.dispose();
  models.get(trainer)?.dispose();
  trainer.optimizer.dispose();
}

/**
 * Registers Topiary's behavioural conformance tests (vitest) for one backend, package or engine: mask invariants
 * after every step and update, zero-initialised growth, optimizer-slot resets, learning, mask movement,
 * determinism, exact resume from a checkpoint, skipping of non-finite batches and the absence of tensor leaks.
 */
export function runConformanceSuite(options: ConformanceOptions): void {
  const sparsity = options.sparsity ?? 0.8;
  const trainerOptions = options.trainerOptions ?? {};
  const create = options.createTrainer ?? maskedEngine;
  const context: ConformanceContext = { totalSteps: STEPS, updateEvery: UPDATE_EVERY, sparsity };
  describe(`topiary conformance on ${options.name}`, () => {
    beforeAll(async () => {
      await options.setup();
    });

    for (const [label, spec] of Object.entries(options.strategies)) {
      describe(label, () => {
        it('keeps budgets, zeroes inactive weights, starts grown weights as configured and resets their optimizer slots', async () => {
          const trainer = makeTrainer(create, spec.create(context), trainerOptions);
          const batches = syntheticBatches({ count: STEPS });
          let previousMasks: Uint8Array[] | undefined;
          let initialActive: number[] | undefined;
          let initialTotal = 0;
          let changes = 0;
          const losses: number[] = [];
          try {
            for (const batch of batches) {
              const { x, y } = toTensors(batch);
              const result = await trainer.step(x, y);
              tf.dispose([x, y]);
              losses.push(result.loss);
              const summary = trainer.summary();
              const masks = trainer.masks();
              const dense = await trainer.denseState();
              const weights = dense.kernels;
              masks.forEach((mask, l) => {
                let active = 0;
                for (let j = 0; j < mask.length; j++) {
                  if (mask[j] === 1) active++;
                  else expect(Math.abs(weights[l]![j]!), `inactive weight ${j} of layer ${l} at step ${result.step}`).toBe(0);
                }
                expect(active).toBe(summary.layers[l]!.active);
              });
              const actives = summary.layers.map((l) => l.active);
              if (!initialActive) {
                initialActive = actives;
                initialTotal = summary.activeWeights;
              } else if (spec.masks === 'prune' && spec.redistributes) {
                expect(summary.activeWeights).toBeLessThanOrEqual(previousMasks!.reduce((t, m) => t + m.reduce((s, v) => s + v, 0), 0));
              } else if (spec.masks === 'prune') {
                actives.forEach((a, l) => expect(a).toBeLessThanOrEqual(previousMasks![l]!.reduce((s, v) => s + v, 0)));
              } else if (spec.redistributes) {
                expect(summary.activeWeights).toBe(initialTotal);
              } else if (spec.ablates) {
                actives.forEach((a, l) => expect(a, `layer ${l} within its budget`).toBeLessThanOrEqual(initialActive![l]!));
              } else {
                expect(actives).toEqual(initialActive);
              }
              if (previousMasks) {
                const moved = masks.some((m, l) => m.some((v, j) => v !== previousMasks![l]![j]));
                if (moved) {
                  changes++;
                  expect(result.maskUpdated).toBe(true);
                  masks.forEach((mask, l) => {
                    const before = previousMasks![l]!;
                    const layerSlots = [...dense.kernelSlots[l]!.values()];
                    for (let j = 0; j < mask.length; j++) {
                      if (mask[j] === before[j]) continue;
                      for (const slot of layerSlots) expect(Math.abs(slot[j]!), `slot of changed weight ${j}, layer ${l}`).toBe(0);
                      if (mask[j] === 1 && spec.zeroInit !== false) expect(Math.abs(weights[l]![j]!), `grown weight ${j}, layer ${l}`).toBe(0);
                    }
                  });
                }
              }
              previousMasks = masks;
            }
            if (spec.masks === 'fixed') expect(changes).toBe(0);
            else expect(changes).toBeGreaterThan(0);
            if (spec.masks === 'prune') expect(trainer.summary().sparsity).toBeGreaterThan(sparsity - 0.02);
            else expect(Math.abs(trainer.summary().sparsity - sparsity)).toBeLessThan(0.02);
            const head = losses.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
            const tail = losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
            expect(tail, 'loss falls').toBeLessThan(head);
          } finally {
            disposeAll(trainer);
          }
        });

        it('is deterministic for a seed and resumes bit-identically from a checkpoint', async () => {
          const batches = syntheticBatches({ count: 24 });
          const a = makeTrainer(create, spec.create(context), trainerOptions);
          const b = makeTrainer(create, spec.create(context), trainerOptions);
          const resumed = makeTrainer(create, spec.create(context), trainerOptions);
          try {
            await train(a, batches);
            await train(b, batches, 0, 12);
            const bytes = encodeCheckpoint(await b.saveCheckpoint());
            await resumed.loadCheckpoint(decodeCheckpoint(bytes));
            expect(resumed.stepCount).toBe(12);
            await train(resumed, batches, 12);
            await train(b, batches, 12);
            const [sa, sb, sr] = await Promise.all([snapshot(a), snapshot(b), snapshot(resumed)]);
            expect(sb.masks).toEqual(sa.masks);
            expect(sb.weights).toEqual(sa.weights);
            expect(sr.masks).toEqual(sa.masks);
            expect(sr.weights).toEqual(sa.weights);
            const counts = (t: TrainingEngine) => ({ ...t.summary(), layers: t.summary().layers.map(({ size, active }) => ({ size, active })) });
            expect(counts(resumed)).toEqual(counts(a));
            expect(resumed.flops()).toEqual(a.flops());
          } finally {
            [a, b, resumed].forEach(disposeAll);
          }
        });

        it('skips NaN and ±Inf batches (before update steps too) without a trace: the run ends as the run without them', async () => {
          const batches = syntheticBatches({ count: 12 });
          const poisoned = (batch: HostBatch, value: number): HostBatch => {
            const x = batch.x.slice();
            x[7] = value;
            return { ...batch, x };
          };
          const clean = makeTrainer(create, spec.create(context), trainerOptions);
          const dirty = makeTrainer(create, spec.create(context), trainerOptions);
          try {
            await train(clean, batches);
            for (let t = 0; t < batches.length; t++) {
              // steps 5 and 10 are update steps (every 5)
              if (t === 5 || t === 10) {
                for (const value of [NaN, Infinity]) {
                  const { x, y } = toTensors(poisoned(batches[t]!, value));
                  const result = await dirty.step(x, y);
                  tf.dispose([x, y]);
                  expect(result, `bad batch before step ${t}`).toMatchObject({ step: t, skipped: true, maskUpdated: false });
                }
              }
              await train(dirty, batches, t, t + 1);
            }
            const [sc, sd] = await Promise.all([snapshot(clean), snapshot(dirty)]);
            expect(sd.masks).toEqual(sc.masks);
            expect(sd.weights).toEqual(sc.weights);
            expect(dirty.stepCount).toBe(clean.stepCount);
            expect(dirty.health().skippedSteps).toBe(4);
            expect(dirty.flops()).toEqual(clean.flops());
          } finally {
            [clean, dirty].forEach(disposeAll);
          }
        });

        it('leaks no tensors over 100 steps with updates', async () => {
          const trainer = makeTrainer(create, spec.create({ ...context, totalSteps: 120 }), trainerOptions);
          const batches = syntheticBatches({ count: 8 });
          const tensors = batches.map((batch) => toTensors(batch));
          try {
            for (let i = 0; i < 6; i++) await trainer.step(tensors[i % 8]!.x, tensors[i % 8]!.y);
            const before = tf.memory().numTensors;
            for (let i = 0; i < 100; i++) await trainer.step(tensors[i % 8]!.x, tensors[i % 8]!.y);
            expect(tf.memory().numTensors).toBe(before);
          } finally {
            tensors.forEach(({ x, y }) => tf.dispose([x, y]));
            disposeAll(trainer);
          }
        });
      });
    }
  });
}
