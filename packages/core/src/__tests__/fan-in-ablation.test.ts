import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ablationViolation, fanInAfterAblation, planAblatedLayer, salientCounts, unitCounts } from '../fan-in-ablation.js';
import { constantSchedule, updateSchedule } from '../schedules.js';
import { syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { gradientGrow, magnitude, randomGrow, uniformTest } from '../testing/reference-strategies.js';
import { SparseTrainer } from '../trainer.js';
import { trainHostAndDevice } from './trainer-fixtures.js';
import type { DropCriterion, GrowCriterion, SparseStrategy } from '../types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const randomDrop: DropCriterion = { kind: 'random', score: ({ layer, rng }) => tf.tensor(rng.uniformArray(layer.size), [...layer.shape]) };

function ablationStrategy(threshold: number, sparsity = 0.5, drop: DropCriterion = magnitude, grow: GrowCriterion = gradientGrow, fraction = 0.5): SparseStrategy {
  return {
    name: 'srigl-test',
    sparsity,
    distribution: uniformTest,
    init: { kind: 'random' },
    granularity: { kind: 'fan-in', ablation: { threshold } },
    update: { schedule: updateSchedule({ begin: 0, end: 1000, every: 1 }), drop, grow, dropFraction: constantSchedule(fraction) },
  };
}

const trainerOf = (strategy: SparseStrategy, selection: 'host' | 'device' = 'host') =>
  new SparseTrainer(tinyMlp({ hidden: [48, 32] }), { strategy, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', selection, onWarning: () => undefined });

/** A [4, 3] fan-in layout with k = 2: unit o holds flat positions o, o + 3, o + 6, o + 9. */
const layout = { shape: [4, 3], n: 2, m: 4 } as const;

describe('neuron ablation rules', () => {
  it('shares the budget k_l · out_l among the kept units, rounded down, at most in_l', () => {
    expect(fanInAfterAblation(layout, 0)).toBe(2);
    expect(fanInAfterAblation(layout, 1)).toBe(3); // ⌊6 / 2⌋
    expect(fanInAfterAblation(layout, 2)).toBe(4); // min(4, 6)
    expect(fanInAfterAblation({ shape: [10, 4], n: 3, m: 10 }, 1)).toBe(4); // ⌊12 / 3⌋
    expect(fanInAfterAblation({ shape: [10, 4], n: 3, m: 10 }, 3)).toBe(10); // min(10, 12)
    expect(() => fanInAfterAblation(layout, 3)).toThrow(/ablated units must be an integer in \[0, 2\], got 3/);
  });

  it('salient weights are the mask unconstrained RigL would make: the kept active weights and the top grow scores, per unit', () => {
    // active: unit 0 at 0, 3; unit 1 at 1, 4; unit 2 at 2, 5
    const mask = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const drop = [5, 5, 1, 5, 5, 2, 0, 0, 0, 0, 0, 0]; // unit 2's weights are the smallest
    const grow = [0, 0, 0, 0, 0, 0, 9, 8, 0, 7, 0, 0]; // the best candidates are units 0 and 1
    expect(Array.from(salientCounts(drop, grow, mask, 2, layout))).toEqual([3, 3, 0]);
  });

  it('ablates a unit whose salient weights fall below γ · k: drops all its weights and regrows the others to the larger fan-in', () => {
    const mask = Uint8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const drop = [5, 5, 1, 5, 5, 2, 0, 0, 0, 0, 0, 0];
    const grow = [0, 0, 0, 0, 0, 0, 9, 8, 0, 7, 0, 0];
    const chosen = planAblatedLayer(drop, grow, mask, layout, 2, 0.3);
    expect(chosen.ablated).toEqual([2]);
    expect(Array.from(chosen.dropped)).toEqual([2, 5]);
    // k' = ⌊2 · 3 / 2⌋ = 3: each kept unit grows one, its best candidate (unit 0: 6 scores 9 over 9 scoring 7; unit 1: 7)
    expect(Array.from(chosen.grown)).toEqual([6, 7]);
    const after = mask.slice();
    for (const p of chosen.dropped) after[p] = 0;
    for (const p of chosen.grown) after[p] = 1;
    expect(Array.from(unitCounts(after, layout))).toEqual([3, 3, 0]);
    expect(ablationViolation(after, layout)).toBeUndefined();
    // γ = 0.3 · k = 0.6: a unit with one salient weight stays
    const kept = planAblatedLayer([5, 5, 1, 5, 5, 9, 0, 0, 0, 0, 0, 0], grow, mask, layout, 2, 0.3);
    expect(kept.ablated).toEqual([]);
  });

  it('never ablates every unit of a layer: the unit of most salient weights (ties to the lower index) stays', () => {
    // unit 2 is ablated already, units 0 and 1 hold k_l(1) = 3 each; RigL drops 3 and would grow them all in unit 2
    const mask = Uint8Array.from([1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0]);
    const drop = [5, 1, 0, 5, 2, 0, 1, 5, 0, 0, 0, 0]; // drops 1 and 6 (unit 1, unit 0) and 4 (unit 1)
    const grow = [0, 0, 9, 0, 0, 9, 0, 0, 9, 0, 0, 0];
    expect(Array.from(salientCounts(drop, grow, mask, 3, layout))).toEqual([2, 1, 3]);
    // γ = 1: both kept units fall below k = 3; unit 0 (2 salient weights) stays and takes the whole budget, min(4, 6)
    const chosen = planAblatedLayer(drop, grow, mask, layout, 3, 1);
    expect(chosen.ablated).toEqual([1]);
    const after = mask.slice();
    for (const p of chosen.dropped) after[p] = 0;
    for (const p of chosen.grown) after[p] = 1;
    expect(Array.from(unitCounts(after, layout))).toEqual([4, 0, 0]);
    expect(ablationViolation(after, layout)).toBeUndefined();
    // equal salient counts (RigL drops one weight of each kept unit): the lower unit stays
    const tieDrop = [5, 1, 0, 5, 5, 0, 1, 5, 0, 0, 0, 0];
    expect(Array.from(salientCounts(tieDrop, grow, mask, 2, layout))).toEqual([2, 2, 2]);
    const tie = planAblatedLayer(tieDrop, grow, mask, layout, 2, 1);
    expect(tie.ablated).toEqual([1]);
  });

  it('an ablated unit stays ablated and a layer that drops nothing changes nothing', () => {
    const mask = Uint8Array.from([1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0]);
    const chosen = planAblatedLayer([1, 1, 0, 5, 5, 0, 5, 5, 0, 5, 5, 0], [0, 0, 9, 0, 0, 9, 0, 0, 9, 0, 0, 9], mask, layout, 2, 0.3);
    expect(chosen.grown.filter((p) => p % 3 === 2)).toEqual(new Int32Array(0));
    expect(chosen.ablated).toEqual([]);
    const still = planAblatedLayer([1, 1, 0, 5, 5, 0, 5, 5, 0, 5, 5, 0], [0, 0, 9, 0, 0, 9, 0, 0, 9, 0, 0, 9], mask, layout, 0, 0.3);
    expect([Array.from(still.dropped), Array.from(still.grown)]).toEqual([[], []]);
  });

  it('refuses masks whose active units do not hold k_l(A), and a mask with every unit ablated', () => {
    expect(ablationViolation([1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0], layout)).toBeUndefined();
    expect(ablationViolation([1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0], layout)).toMatch(/output unit 0 holds 2 active inputs, but with 1 of 3 units ablated every other unit holds exactly 3/);
    expect(ablationViolation(new Uint8Array(12), layout)).toMatch(/every output unit has 0 active inputs/);
  });
});

/** Active inputs of every output unit of a kernel mask [size / out, out]. */
function columnCounts(mask: ArrayLike<number>, out: number): number[] {
  const counts = new Array<number>(out).fill(0);
  for (let j = 0; j < mask.length; j++) counts[j % out]! += mask[j] !== 0 ? 1 : 0;
  return counts;
}

describe('neuron ablation in training (fast-check)', () => {
  it('after every update every kept unit holds exactly k_l(A) inputs, ablated units none, at least one unit is kept and none comes back; host and device select the same masks', async () => {
    const batches = syntheticBatches({ count: 6, batchSize: 8 });
    let ablatedAny = false;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0.3, 0.8, 1), fc.constantFrom(0.5, 0.75), fc.constantFrom(magnitude, randomDrop), fc.constantFrom(gradientGrow, randomGrow), async (threshold, sparsity, drop, grow) => {
        const strategy = ablationStrategy(threshold, sparsity, drop, grow);
        const host = trainerOf(strategy, 'host');
        const device = trainerOf(strategy, 'device');
        try {
          await host.initialize();
          await device.initialize();
          const shapes = host.summary().layers.map((l) => host.model.weights.find((w) => w.name === l.name)!.shape as number[]);
          const k = shapes.map((s) => Math.round((1 - sparsity) * s[0]!));
          let ablatedBefore: boolean[][] = shapes.map((s) => new Array<boolean>(s[1]!).fill(false));
          const updates = await trainHostAndDevice(host, device, batches, (masks, t) => {
            ablatedBefore = masks.map((mask, l) => {
              const [inputs, out] = shapes[l] as [number, number];
              const counts = columnCounts(mask, out);
              const ablated = counts.filter((c) => c === 0).length;
              expect(ablated, `layer ${l} at step ${t}: a unit is kept`).toBeLessThan(out);
              const kNow = Math.min(inputs, Math.floor((k[l]! * out) / (out - ablated)));
              expect(counts.filter((c) => c !== 0 && c !== kNow), `layer ${l} at step ${t}`).toEqual([]);
              counts.forEach((c, o) => ablatedBefore[l]![o] && expect(c, `unit ${o} of layer ${l} stays ablated`).toBe(0));
              if (ablated > 0) ablatedAny = true;
              return counts.map((c) => c === 0);
            });
          });
          expect(updates).toBeGreaterThan(0);
        } finally {
          for (const t of [host, device]) {
            t.dispose();
            t.optimizer.dispose();
          }
        }
      }),
      { numRuns: 10 },
    );
    expect(ablatedAny, 'some run ablated a unit').toBe(true);
  });

  it('ablation state lives in the masks: a checkpoint resumes identically, and masks breaking k_l(A) are refused', async () => {
    const strategy = ablationStrategy(1);
    const a = trainerOf(strategy);
    const b = trainerOf(strategy);
    const wrong = trainerOf(strategy);
    const { granularity: _g, ...unstructured } = strategy;
    const source = trainerOf(unstructured);
    try {
      const batches = syntheticBatches({ count: 6, batchSize: 8 });
      const run = async (t: SparseTrainer, from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const { x, y } = toTensors(batches[i]!);
          await t.step(x, y);
          tf.dispose([x, y]);
        }
      };
      await run(a, 0, 3);
      const outs = a.summary().layers.map((l) => a.model.weights.find((w) => w.name === l.name)!.shape[1] as number);
      expect(a.masks().some((mask, l) => columnCounts(mask, outs[l]!).includes(0)), 'γ = 1 ablates').toBe(true);
      await b.loadCheckpoint(await a.saveCheckpoint());
      await run(a, 3, 6);
      await run(b, 3, 6);
      expect(b.masks()).toEqual(a.masks());

      await source.initialize();
      await expect(wrong.loadCheckpoint(await source.saveCheckpoint())).rejects.toThrow(/loadCheckpoint: the mask of layer dense_Dense\d+ breaks constant fan-in with ablation \(output unit \d+ holds \d+ active inputs, but with \d+ of \d+ units ablated every other unit holds exactly \d+\)/);
      expect(wrong.initialized).toBe(false);
    } finally {
      for (const t of [a, b, wrong, source]) {
        t.dispose();
        t.optimizer.dispose();
      }
    }
  });

  it('refuses a threshold outside [0, 1], naming the field and the value; 0 trains as constant fan-in without ablation', async () => {
    expect(() => trainerOf(ablationStrategy(1.5))).toThrow(/strategy.granularity.ablation.threshold must be a number in \[0, 1\] \(γ_sal.*0 disables ablation\), got 1.5/);
    expect(() => trainerOf(ablationStrategy(-0.1))).toThrow(/ablation.threshold must be a number in \[0, 1\].*got -0.1/);
    const off = trainerOf(ablationStrategy(0));
    const { granularity: _g, ...rest } = ablationStrategy(0);
    const plain = trainerOf({ ...rest, granularity: { kind: 'fan-in' } });
    try {
      for (const batch of syntheticBatches({ count: 3, batchSize: 8 })) {
        const { x, y } = toTensors(batch);
        await off.step(x, y);
        await plain.step(x, y);
        tf.dispose([x, y]);
      }
      expect(off.masks()).toEqual(plain.masks());
    } finally {
      for (const t of [off, plain]) {
        t.dispose();
        t.optimizer.dispose();
      }
    }
  });
});
