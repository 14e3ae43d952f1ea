import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { densityBudget, Rng, type SparseTrainer } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { lotteryPruneCount, lotteryTicket, pruneByMagnitude, type LotteryRound, type LotteryTicketOptions } from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const batches = syntheticBatches({ count: 6, seed: 3 });

/** Every model weight's values, in model order. */
async function weightsOf(trainer: SparseTrainer): Promise<Float32Array[]> {
  return Promise.all(trainer.model.weights.map(async (w) => (await w.read().data()) as Float32Array));
}

/** Trains `steps` batches with trainer.step, calling `at(step)` before each step and after the last. */
async function trainSteps(trainer: SparseTrainer, steps: number, at: (step: number) => Promise<void> = async () => {}): Promise<{ loss: number }> {
  let loss = Number.NaN;
  for (let t = 0; t < steps; t++) {
    await at(t);
    const { x, y } = toTensors(batches[t % batches.length]!);
    loss = (await trainer.step(x, y)).loss;
    tf.dispose([x, y]);
  }
  await at(steps);
  return { loss };
}

const base = (train: LotteryTicketOptions<{ loss: number }>['train']): Pick<LotteryTicketOptions<{ loss: number }>, 'createModel' | 'trainerOptions' | 'train'> => ({
  createModel: () => tinyMlp({ hidden: [20, 12], seed: 5 }),
  // SGD: tfjs's momentum optimizer keeps one scalar after dispose(), which would hide the runner's own accounting
  trainerOptions: () => ({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' }),
  train,
});

describe('lottery magnitude pruning', () => {
  it('drops exactly the k active weights of lowest |w| per layer, or over all layers together, ties to the earlier layer then the lower index', () => {
    const layerArb = fc.integer({ min: 1, max: 10 }).chain((n) => fc.record({ w: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }), mask: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }) }));
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 1, maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('layer' as const, 'global' as const), (layers, share, scope) => {
        const masks = layers.map((l) => Uint8Array.from(l.mask));
        const weights = layers.map((l) => Float32Array.from(l.w));
        const candidates = (l: number) => layers[l]!.w.map((w, index) => ({ m: Math.abs(w), layer: l, index })).filter((c) => layers[c.layer]!.mask[c.index] === 1);
        const order = (a: { m: number; layer: number; index: number }, b: { m: number; layer: number; index: number }) => a.m - b.m || a.layer - b.layer || a.index - b.index;
        let expected: { layer: number; index: number }[];
        let counts: number[];
        if (scope === 'layer') {
          counts = layers.map((_, l) => Math.floor(share * candidates(l).length));
          expected = layers.flatMap((_, l) => candidates(l).sort(order).slice(0, counts[l]).map(({ layer, index }) => ({ layer, index })));
        } else {
          const all = layers.flatMap((_, l) => candidates(l)).sort(order);
          counts = [Math.floor(share * all.length)];
          expected = all.slice(0, counts[0]).map(({ layer, index }) => ({ layer, index }));
        }
        const next = pruneByMagnitude(masks, weights, counts, scope);
        const dropped = next.flatMap((m, l) => [...m].map((v, index) => ({ v, was: masks[l]![index], layer: l, index })).filter((e) => e.was === 1 && e.v === 0).map(({ layer, index }) => ({ layer, index })));
        expect(dropped).toEqual(expected.sort((a, b) => a.layer - b.layer || a.index - b.index));
        // nothing grows, the inputs are unchanged
        next.forEach((m, l) => m.forEach((v, j) => expect(v <= masks[l]![j]!).toBe(true)));
        expect(masks.map((m) => [...m])).toEqual(layers.map((l) => l.mask));
      }),
    );
  });

  it('prunes round(p · active) a round, stops at the target and prunes at least one while above it', () => {
    expect(lotteryPruneCount(1000, 0.2)).toBe(200);
    expect(lotteryPruneCount(3, 0.1)).toBe(0);
    expect(lotteryPruneCount(3, 0.1, 1)).toBe(1);
    expect(lotteryPruneCount(1000, 0.2, 900)).toBe(100);
    expect(lotteryPruneCount(900, 0.2, 900)).toBe(0);
  });
});

describe('lotteryTicket', () => {
  it('trains dense, prunes 20% of the remaining weights per layer each round, records every round and rewinds survivors bit-identically to θ_0', async () => {
    const before = tf.memory().numTensors;
    let initial: Float32Array[] | undefined;
    const starts: { round: LotteryRound; weights: Float32Array[]; masks: Uint8Array[] }[] = [];
    const seen: number[] = [];
    const result = await lotteryTicket({
      ...base(async (trainer, round) => {
        if (round.round === 0) initial = await weightsOf(trainer);
        else starts.push({ round, weights: await weightsOf(trainer), masks: trainer.masks() });
        return trainSteps(trainer, 4);
      }),
      rounds: 3,
      onRound: (r) => seen.push(r.round),
    });
    try {
      expect(seen).toEqual([0, 1, 2]);
      const sizes = [16 * 20, 20 * 12, 12 * 4];
      const round1 = sizes.map((s) => s - Math.round(0.2 * s));
      const round2 = round1.map((a) => a - Math.round(0.2 * a));
      expect(result.rounds.map((r) => r.active)).toEqual([sizes, round1, round2]);
      const total = sizes.reduce((a, b) => a + b, 0);
      result.rounds.forEach((r) => expect(r.sparsity).toBeCloseTo(1 - r.active.reduce((a, b) => a + b, 0) / total, 12));
      expect(result.rounds.every((r) => Number.isFinite(r.metrics.loss))).toBe(true);
      expect(result.rounds[0]!.layers.length).toBe(3);
      expect(result.masks.map((m) => m.reduce((s, v) => s + v, 0))).toEqual(round2);
      expect(result.trainer.masks()).toEqual(result.masks);
      // each later round starts from θ_0 at the surviving positions and 0 elsewhere; biases at θ_0
      expect(starts.map((s) => s.round.startStep)).toEqual([0, 0]);
      for (const start of starts) {
        const kernelIndex = [0, 2, 4];
        start.weights.forEach((w, i) => {
          const layer = kernelIndex.indexOf(i);
          const expected = initial![i]!.map((v, j) => (layer >= 0 && start.masks[layer]![j] === 0 ? 0 : v));
          expect(Buffer.from(w.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
        });
      }
    } finally {
      result.trainer.dispose();
      result.trainer.optimizer.dispose();
      result.trainer.model.dispose();
    }
    // every earlier round's model and trainer, and the recorded weights, were released
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rewinds to step k of round 0 (Frankle et al. 2020): later rounds start from θ_k exactly, and are told startStep = k', async () => {
    const k = 3;
    let theta0: Float32Array[] | undefined;
    let thetaK: Float32Array[] | undefined;
    const starts: { weights: Float32Array[]; masks: Uint8Array[]; startStep: number }[] = [];
    const result = await lotteryTicket({
      ...base(async (trainer, round) => {
        if (round.round === 0) {
          return trainSteps(trainer, 5, async (t) => {
            if (t === 0) theta0 = await weightsOf(trainer);
            if (t === k) thetaK = await weightsOf(trainer);
          });
        }
        starts.push({ weights: await weightsOf(trainer), masks: trainer.masks(), startStep: round.startStep });
        return trainSteps(trainer, 5 - round.startStep);
      }),
      trainerOptions: () => ({ optimizer: tf.train.momentum(0.05, 0.9), loss: 'categoricalCrossentropy' }),
      rounds: 2,
      scope: 'global',
      rewind: { step: k },
    });
    try {
      expect(starts.length).toBe(1);
      expect(starts[0]!.startStep).toBe(k);
      const { weights, masks } = starts[0]!;
      weights.forEach((w, i) => {
        const layer = [0, 2, 4].indexOf(i);
        w.forEach((v, j) => {
          if (layer >= 0 && masks[layer]![j] === 0) expect(Object.is(v, 0)).toBe(true);
          else expect(v).toBe(thetaK![i]![j]);
        });
      });
      // global: 20% of all masked weights, by one ranking
      const total = 16 * 20 + 20 * 12 + 12 * 4;
      expect(result.rounds[1]!.active.reduce((a, b) => a + b, 0)).toBe(total - Math.round(0.2 * total));
      // the weights at step k differ from the initial ones, so the rewind is to k, not to 0
      expect(thetaK![0]!.some((v, j) => v !== theta0![0]![j])).toBe(true);
      expect(result.rounds.length).toBe(2);
    } finally {
      result.trainer.dispose();
      result.trainer.optimizer.dispose();
      result.trainer.model.dispose();
    }
  });

  for (const scope of ['layer', 'global'] as const) {
    it(`runs rounds until the target sparsity, the last round exactly at its budget (${scope})`, async () => {
      const result = await lotteryTicket({ ...base((trainer) => trainSteps(trainer, 1)), targetSparsity: 0.6, pruneFraction: 0.3, scope });
      try {
        const sizes = [16 * 20, 20 * 12, 12 * 4];
        const last = result.rounds.at(-1)!;
        if (scope === 'layer') expect(last.active).toEqual(sizes.map((s) => densityBudget(0.4, s)));
        else expect(last.active.reduce((a, b) => a + b, 0)).toBe(densityBudget(0.4, sizes.reduce((a, b) => a + b, 0)));
        // 1 − 0.7^n passes 0.6 at n = 3: rounds 0 (dense), 1, 2 and the last one clamped to the target
        expect(result.rounds.length).toBe(4);
        const sparsities = result.rounds.map((r) => r.sparsity);
        sparsities.slice(1).forEach((s, i) => expect(s).toBeGreaterThan(sparsities[i]!));
      } finally {
        result.trainer.dispose();
        result.trainer.model.dispose();
      }
    });
  }

  it('refuses bad options before building anything, naming the field, the value and what is allowed', async () => {
    const ok = base((trainer) => trainSteps(trainer, 1));
    let built = 0;
    const counting = { ...ok, createModel: () => (built++, tinyMlp()) };
    await expect(lotteryTicket({ ...counting, rounds: 2, targetSparsity: 0.5 })).rejects.toThrow('lotteryTicket.rounds must be absent when targetSparsity (0.5) is given: give one of them, got 2');
    await expect(lotteryTicket({ ...counting })).rejects.toThrow('lotteryTicket.rounds must be a positive integer, or give targetSparsity, got undefined');
    await expect(lotteryTicket({ ...counting, rounds: 0 })).rejects.toThrow(/lotteryTicket\.rounds must be an integer ≥ 1 .*got 0/);
    await expect(lotteryTicket({ ...counting, targetSparsity: 1 })).rejects.toThrow('lotteryTicket.targetSparsity must be a number in (0, 1), got 1');
    await expect(lotteryTicket({ ...counting, rounds: 2, pruneFraction: 1 })).rejects.toThrow('lotteryTicket.pruneFraction must be a number in (0, 1), got 1');
    await expect(lotteryTicket({ ...counting, rounds: 2, scope: 'net' as 'layer' })).rejects.toThrow(`lotteryTicket.scope must be 'layer' or 'global', got "net"`);
    await expect(lotteryTicket({ ...counting, rounds: 2, rewind: { step: -1 } })).rejects.toThrow('lotteryTicket.rewind.step must be an integer step ≥ 0, got -1');
    expect(built).toBe(0);
  });

  it('refuses a reused optimizer, a rewind step round 0 never reached and a network that changes, releasing what it built', async () => {
    const before = tf.memory().numTensors;
    const shared = tf.train.sgd(0.1);
    await expect(lotteryTicket({ ...base((trainer) => trainSteps(trainer, 1)), trainerOptions: () => ({ optimizer: shared, loss: 'categoricalCrossentropy' }), rounds: 2 })).rejects.toThrow(
      'lotteryTicket.trainerOptions(1).optimizer must be a fresh optimizer each round (optimizer state is not rewound), got "the optimizer of an earlier round"',
    );
    await expect(lotteryTicket({ ...base((trainer) => trainSteps(trainer, 2)), rounds: 2, rewind: { step: 5 } })).rejects.toThrow(/lotteryTicket\.rewind\.step: round 0 took 2 steps, fewer than the rewind step 5/);
    const rng = Rng.fromSeed(1);
    await expect(lotteryTicket({ ...base((trainer) => trainSteps(trainer, 1)), createModel: (round) => tinyMlp({ hidden: round === 0 ? [20, 12] : [21, 12], seed: Math.floor(rng.float() * 10) }), rounds: 2 })).rejects.toThrow(
      /lotteryTicket\.createModel\(1\) must build the same network every round: expected weights .*\[16, 20\].*, got .*\[16, 21\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
