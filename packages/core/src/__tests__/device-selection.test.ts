import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPrunableKernels } from '../layers.js';
import { initialMasks } from '../mask-init.js';
import { createMaskState } from '../mask-state.js';
import { applyUpdatePlan, dropCounts, planUpdate, releaseUpdatePlan, type UpdateInputs, type UpdatePlan } from '../mask-update.js';
import type { MaskSelection } from '../mask-selection.js';
import { deviceMaskSelection } from '../mask-selection-device.js';
import { hostMaskSelection } from '../mask-selection-host.js';
import { Rng } from '../rng.js';
import { constantSchedule, isUpdateStep, updateSchedule } from '../schedules.js';
import { countMaskSelectCalls, runConformanceSuite, syntheticBatches, tinyMlp, toTensors } from '../testing/index.js';
import { registerHostMaskSelect } from '../mask-select-kernel.js';
import { SparseTrainer } from '../trainer.js';
import type { ConformanceContext } from '../testing/index.js';
import type { DropCriterion, GrowCriterion, MaskUpdatePolicy, SparseStrategy } from '../types.js';
import { gradientGrow, magnitude, referenceStrategies, uniformTest } from '../testing/reference-strategies.js';

const planOnDevice = (inputs: UpdateInputs): Promise<UpdatePlan> => planUpdate(inputs, deviceMaskSelection);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const context: ConformanceContext = { totalSteps: 40, updateEvery: 5, sparsity: 0.8 };

/** A model, its masks and momentum buffers, with fresh continuous weights, gradients and momentum at each update. */
async function setUp(strategy: SparseStrategy, seed: number) {
  const model = tinyMlp({ seed });
  const kernels = findPrunableKernels(model);
  const rng = Rng.fromSeed(seed);
  const state = createMaskState(kernels, await initialMasks({ strategy, kernels, gradients: undefined, rng }));
  state.applyToWeights();
  const momentum = kernels.map((k) => tf.variable(tf.zeros([...k.shape.shape]), false));
  let draw = seed * 1000;
  /** Continuous random weights (at active positions), dense gradients and momentum: no ties among scores. */
  const randomise = (): tf.Tensor[] => {
    tf.tidy(() => {
      kernels.forEach((k, i) => {
        k.variable.assign(tf.mul(tf.randomNormal([...k.shape.shape], 0, 1, 'float32', draw++), state.maskTensor(i)));
        momentum[i]!.assign(tf.randomNormal([...k.shape.shape], 0, 1, 'float32', draw++));
      });
    });
    return kernels.map((k) => tf.randomNormal([...k.shape.shape], 0, 1, 'float32', draw++));
  };
  const dispose = (): void => {
    state.dispose();
    tf.dispose(momentum);
    model.dispose();
  };
  return { kernels, rng, state, momentum, randomise, dispose };
}

function comparable(plan: UpdatePlan) {
  if (!plan.ok) return plan;
  return { ok: plan.ok, changedAny: plan.changedAny, growInit: plan.growInit, rngState: plan.rng.getState(), layers: plan.layers.map((l) => ({ mask: Array.from(l.mask), newConnections: Array.from(l.newConnections) })) };
}

describe('planUpdate with device selection', () => {
  const compared = ['gradient growth (RigL-like)', 'random growth (SET-like)', 'momentum growth with redistribution (SNFS-like)', 'gradual magnitude pruning'];
  for (const name of compared) {
    it(`selects exactly what the host path selects for ${name} over several updates`, async () => {
      const strategy = referenceStrategies[name]!.create(context);
      const update = strategy.update!;
      const setup = await setUp(strategy, 11);
      let rng = setup.rng;
      let updates = 0;
      let moved = 0;
      let grownNew = 0;
      try {
        for (let step = 0; step < context.totalSteps; step++) {
          if (!isUpdateStep(update.schedule, step)) continue;
          const gradients = setup.randomise();
          const inputs = (generator: Rng): UpdateInputs => ({
            step,
            update,
            distribution: strategy.distribution,
            kernels: setup.kernels,
            state: setup.state,
            gradients,
            momentum: setup.momentum,
            rng: generator,
          });
          const host = await planUpdate(inputs(Rng.fromState(rng.getState())));
          const device = await planOnDevice(inputs(Rng.fromState(rng.getState())));
          tf.dispose(gradients);
          expect(device.ok).toBe(true);
          releaseUpdatePlan(device);
          expect(comparable(device), `update at step ${step}`).toEqual(comparable(host));
          if (!host.ok) continue;
          updates++;
          if (host.changedAny) moved++;
          grownNew += host.layers.reduce((s, l) => s + l.newConnections.length, 0);
          tf.dispose(applyUpdatePlan(host, setup.state, setup.kernels));
          rng = host.rng;
        }
        expect(updates).toBeGreaterThanOrEqual(5);
        expect(moved).toBeGreaterThanOrEqual(3);
        if (update.grow) expect(grownNew).toBeGreaterThan(0);
        else expect(setup.state.active(0)).toBeLessThan(setup.kernels[0]!.shape.size);
      } finally {
        setup.dispose();
      }
    });
  }

  it('moves counts between layers as the redistribution says', async () => {
    const strategy = referenceStrategies['momentum growth with redistribution (SNFS-like)']!.create(context);
    const setup = await setUp(strategy, 4);
    try {
      const gradients = setup.randomise();
      const before = setup.kernels.map((_, i) => setup.state.active(i));
      const plan = await planOnDevice({ step: 0, update: strategy.update!, distribution: strategy.distribution, kernels: setup.kernels, state: setup.state, gradients, momentum: setup.momentum, rng: setup.rng });
      tf.dispose(gradients);
      releaseUpdatePlan(plan);
      expect(plan.ok).toBe(true);
      if (!plan.ok) return;
      const after = plan.layers.map((l) => l.mask.reduce((s, v) => s + v, 0));
      expect(after.reduce((a, b) => a + b, 0)).toBe(before.reduce((a, b) => a + b, 0));
      expect(after).not.toEqual(before);
    } finally {
      setup.dispose();
    }
  });

  const nanAt = (position: number): ((shape: readonly number[]) => tf.Tensor) => (shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size).map((_, j) => (j * 7919) % size);
    values[position] = Number.NaN;
    return tf.tensor(values, [...shape]);
  };

  it('skips an update whose drop or grow scores are not finite, naming them, and holds no tensor afterwards', async () => {
    const badDrop: DropCriterion = { kind: 'broken-drop', score: ({ layer }) => nanAt(3)(layer.shape) };
    // infinite only in the output layer (4 units), so the reason must name that layer
    const badGrow: GrowCriterion = { kind: 'broken-grow', score: ({ layer }) => (layer.fanOut === 4 ? tf.fill([...layer.shape], Number.POSITIVE_INFINITY) : tf.abs(tf.randomNormal([...layer.shape], 0, 1, 'float32', 3))) };
    const policies: [MaskUpdatePolicy, string, number][] = [
      [{ schedule: updateSchedule({ begin: 0, end: 10, every: 1 }), drop: badDrop, grow: gradientGrow, dropFraction: constantSchedule(0.3) }, "'broken-drop' drop scores", 0],
      [{ schedule: updateSchedule({ begin: 0, end: 10, every: 1 }), drop: magnitude, grow: badGrow, dropFraction: constantSchedule(0.3) }, "'broken-grow' grow scores", 2],
    ];
    for (const [update, what, layer] of policies) {
      const strategy: SparseStrategy = { name: 'broken', sparsity: 0.8, distribution: uniformTest, init: { kind: 'random' }, update };
      const setup = await setUp(strategy, 5);
      try {
        const gradients = setup.randomise();
        const masks = setup.kernels.map((_, i) => setup.state.mask(i).slice());
        const tensors = tf.memory().numTensors;
        const plan = await planOnDevice({ step: 0, update, distribution: uniformTest, kernels: setup.kernels, state: setup.state, gradients, momentum: undefined, rng: setup.rng });
        expect(tf.memory().numTensors).toBe(tensors);
        tf.dispose(gradients);
        expect(plan.ok).toBe(false);
        if (!plan.ok) expect(plan.reason).toBe(`${what} of layer ${setup.kernels[layer]!.shape.layerName} are not finite`);
        setup.kernels.forEach((_, i) => expect(setup.state.mask(i)).toEqual(masks[i]));
      } finally {
        setup.dispose();
      }
    }
  });

  it('refuses scores that do not cover the kernel, and reports a missing momentum like the host path', async () => {
    const wrongShape: DropCriterion = { kind: 'short', score: () => tf.zeros([3]) };
    const strategy = referenceStrategies['momentum growth with redistribution (SNFS-like)']!.create(context);
    const setup = await setUp(strategy, 6);
    try {
      const gradients = setup.randomise();
      const base = { step: 0, distribution: uniformTest, kernels: setup.kernels, state: setup.state, gradients, rng: setup.rng };
      const tensors = tf.memory().numTensors;
      await expect(planOnDevice({ ...base, update: { ...strategy.update!, drop: wrongShape }, momentum: setup.momentum })).rejects.toThrow(/'short' drop scores of layer \S+ have shape \[3\] \(3 values\) but the kernel has 768 weights/);
      const missing = await planOnDevice({ ...base, update: strategy.update!, momentum: undefined });
      expect(missing).toEqual({ ok: false, reason: "redistribution 'proportional' needs the dense-gradient momentum, which is missing" });
      expect(tf.memory().numTensors).toBe(tensors);
      tf.dispose(gradients);
    } finally {
      setup.dispose();
    }
  });

  it('leaves tf.memory() where it found it over repeated updates', async () => {
    const strategy = referenceStrategies['random growth (SET-like)']!.create(context);
    const setup = await setUp(strategy, 8);
    try {
      const gradients = setup.randomise();
      const tensors = tf.memory().numTensors;
      for (let step = 0; step < 6; step++) {
        const plan = await planOnDevice({ step, update: strategy.update!, distribution: uniformTest, kernels: setup.kernels, state: setup.state, gradients, momentum: setup.momentum, rng: setup.rng });
        expect(plan.ok).toBe(true);
        if (plan.ok) tf.dispose(applyUpdatePlan(plan, setup.state, setup.kernels));
        releaseUpdatePlan(plan);
      }
      expect(tf.memory().numTensors).toBe(tensors);
      tf.dispose(gradients);
    } finally {
      setup.dispose();
    }
  });
});

describe('SparseTrainer selection option', () => {
  const rigl: SparseStrategy = {
    name: 'rigl-test',
    sparsity: 0.8,
    distribution: uniformTest,
    init: { kind: 'random' },
    update: { schedule: updateSchedule({ begin: 0, end: 100, every: 2 }), drop: magnitude, grow: gradientGrow, dropFraction: constantSchedule(0.3) },
  };

  it('refuses an unknown selection, naming the field, the value and the allowed ones', () => {
    const model = tinyMlp();
    expect(() => new SparseTrainer(model, { strategy: rigl, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', selection: 'gpu' as never })).toThrow(/selection must be 'auto', 'host' or 'device', got "gpu"/);
    model.dispose();
  });

  it("selects on the host by default ('auto') on cpu, and through the backend's kernel when asked for 'device'", async () => {
    registerHostMaskSelect('cpu');
    const counter = countMaskSelectCalls();
    try {
      const { x, y } = toTensors(syntheticBatches({ count: 1 })[0]!);
      const callsFor = async (selection: 'auto' | 'device'): Promise<number> => {
        const before = counter.calls();
        const trainer = new SparseTrainer(tinyMlp(), { strategy: rigl, optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', selection });
        for (let i = 0; i < 5; i++) await trainer.step(x, y);
        trainer.dispose();
        trainer.model.dispose();
        return counter.calls() - before;
      };
      expect(await callsFor('auto')).toBe(0);
      // updates at steps 2 and 4, one drop and one grow per masked layer each
      expect(await callsFor('device')).toBe(2 * 2 * 3);
      tf.dispose([x, y]);
    } finally {
      counter.restore();
    }
  });

  it('warns and keeps the masks when device-selected scores are not finite', async () => {
    const nanGrow: GrowCriterion = { kind: 'nan-grow', score: ({ layer }) => tf.fill([...layer.shape], Number.NaN) };
    const warnings: string[] = [];
    const trainer = new SparseTrainer(tinyMlp(), {
      strategy: { ...rigl, update: { ...rigl.update!, grow: nanGrow } },
      optimizer: tf.train.sgd(0.1),
      loss: 'categoricalCrossentropy',
      selection: 'device',
      onWarning: (m) => warnings.push(m),
    });
    try {
      const { x, y } = toTensors(syntheticBatches({ count: 1 })[0]!);
      await trainer.initialize();
      const masks = trainer.masks();
      for (let i = 0; i < 5; i++) expect((await trainer.step(x, y)).maskUpdated).toBe(false);
      expect(trainer.masks()).toEqual(masks);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^step 2: 'nan-grow' grow scores of layer \S+ are not finite; this update was skipped/);
      tf.dispose([x, y]);
    } finally {
      trainer.dispose();
      trainer.model.dispose();
    }
  });
});

describe('planUpdate with a pluggable selection', () => {
  beforeAll(() => {
    registerHostMaskSelect('cpu');
  });

  const inputsAt = (strategy: SparseStrategy, setup: Awaited<ReturnType<typeof setUp>>, step: number, gradients: tf.Tensor[], rng: Rng): UpdateInputs => ({
    step,
    update: strategy.update!,
    distribution: strategy.distribution,
    kernels: setup.kernels,
    state: setup.state,
    gradients,
    momentum: setup.momentum,
    rng,
  });

  /** Rounds the weights and gradients to a few levels, so that scores tie often. */
  const withTies = (setup: Awaited<ReturnType<typeof setUp>>, gradients: tf.Tensor[]): tf.Tensor[] => {
    tf.tidy(() => setup.kernels.forEach((k) => k.variable.assign(tf.round(tf.mul(k.variable, 2)))));
    const rounded = gradients.map((g) => tf.tidy(() => tf.round(g)));
    tf.dispose(gradients);
    return rounded;
  };

  for (const [name, reference] of Object.entries(referenceStrategies)) {
    if (!reference.create(context).update) continue;
    it(`host and device selection choose the same masks and new connections for ${name}, ties included`, async () => {
      const strategy = reference.create(context);
      const setup = await setUp(strategy, 13);
      let rng = setup.rng;
      let compared = 0;
      try {
        for (let step = 0; step < context.totalSteps; step++) {
          if (!isUpdateStep(strategy.update!.schedule, step)) continue;
          const gradients = withTies(setup, setup.randomise());
          const tensors = tf.memory().numTensors;
          const host = await planUpdate(inputsAt(strategy, setup, step, gradients, Rng.fromState(rng.getState())), hostMaskSelection);
          const device = await planUpdate(inputsAt(strategy, setup, step, gradients, Rng.fromState(rng.getState())), deviceMaskSelection);
          expect(device.ok && host.ok).toBe(true);
          if (!device.ok || !host.ok) continue;
          expect(comparable(device), `update at step ${step}`).toEqual(comparable(host));
          for (const [i, layer] of device.layers.entries()) {
            if (layer.deviceMask) expect(Array.from(await layer.deviceMask.data())).toEqual(Array.from(host.layers[i]!.mask));
            else expect(layer.mask).toBe(setup.state.mask(i));
          }
          releaseUpdatePlan(device);
          expect(tf.memory().numTensors).toBe(tensors);
          tf.dispose(gradients);
          compared++;
          tf.dispose(applyUpdatePlan(host, setup.state, setup.kernels));
          rng = host.rng;
        }
        expect(compared).toBeGreaterThanOrEqual(5);
      } finally {
        setup.dispose();
      }
    });
  }

  /** Wraps a selection and records, in order, every call the planner makes to it. */
  function recording(inner: MaskSelection, overrides: { check?: string } = {}): { selection: MaskSelection; calls: string[] } {
    const calls: string[] = [];
    const selection: MaskSelection = {
      kind: `recording ${inner.kind}`,
      begin(state) {
        calls.push('begin');
        const round = inner.begin(state);
        return {
          drop(request) {
            calls.push(`drop ${request.index} ${request.count} ${request.description}`);
            return round.drop(request);
          },
          grow(request, afterDrop) {
            calls.push(`grow ${request.index} ${request.count} ${afterDrop === undefined ? 'from current' : 'from dropped'} ${request.description}`);
            return round.grow(request, afterDrop);
          },
          async check() {
            calls.push('check');
            const reason = await round.check();
            return overrides.check ?? reason;
          },
          finish(masks) {
            calls.push(`finish ${masks.length}`);
            return round.finish(masks);
          },
          release() {
            calls.push('release');
            round.release();
          },
        };
      },
    };
    return { selection, calls };
  }

  it('hands a custom selection each layer to drop and grow in order, then check, finish and release, and plans what it selects', async () => {
    const strategy = referenceStrategies['gradient growth (RigL-like)']!.create(context);
    const setup = await setUp(strategy, 21);
    try {
      const gradients = setup.randomise();
      const inputs = (rng: Rng): UpdateInputs => inputsAt(strategy, setup, 0, gradients, rng);
      const drops = dropCounts(inputs(setup.rng)) as number[];
      const names = setup.kernels.map((k) => k.shape.layerName);
      const { selection, calls } = recording(hostMaskSelection);
      const recorded = await planUpdate(inputs(Rng.fromState(setup.rng.getState())), selection);
      const plain = await planUpdate(inputs(Rng.fromState(setup.rng.getState())));
      tf.dispose(gradients);
      expect(drops.every((d) => d > 0)).toBe(true);
      expect(calls).toEqual([
        'begin',
        ...drops.map((d, i) => `drop ${i} ${d} 'magnitude' drop scores of layer ${names[i]}`),
        ...drops.map((d, i) => `grow ${i} ${d} from dropped 'gradient' grow scores of layer ${names[i]}`),
        'check',
        `finish ${setup.kernels.length}`,
        'release',
      ]);
      expect(comparable(recorded)).toEqual(comparable(plain));
    } finally {
      setup.dispose();
    }
  });

  it('stops a custom selection at the first skip it reports, releasing it, and skips when its check says so', async () => {
    const badDrop: DropCriterion = { kind: 'broken-drop', score: ({ layer, weight }) => (layer.fanOut === 32 ? tf.fill([...layer.shape], Number.NaN) : tf.abs(weight)) };
    const strategy: SparseStrategy = { name: 'broken', sparsity: 0.8, distribution: uniformTest, init: { kind: 'random' }, update: { schedule: updateSchedule({ begin: 0, end: 10, every: 1 }), drop: badDrop, grow: gradientGrow, dropFraction: constantSchedule(0.3) } };
    const setup = await setUp(strategy, 22);
    try {
      const gradients = setup.randomise();
      const names = setup.kernels.map((k) => k.shape.layerName);
      const host = recording(hostMaskSelection);
      const skipped = await planUpdate(inputsAt(strategy, setup, 0, gradients, setup.rng), host.selection);
      expect(skipped.ok).toBe(false);
      if (!skipped.ok) expect(skipped.reason).toMatch(new RegExp(`^'broken-drop' drop scores of layer ${names[1]} are not finite \\(value NaN at 0\\)$`));
      expect(host.calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['begin', 'drop 0', 'drop 1', 'release']);

      // device selection reports nothing until its one check, so every criterion is called
      const tensors = tf.memory().numTensors;
      const device = recording(deviceMaskSelection);
      const deferred = await planUpdate(inputsAt(strategy, setup, 0, gradients, setup.rng), device.selection);
      expect(deferred).toEqual({ ok: false, reason: `'broken-drop' drop scores of layer ${names[1]} are not finite` });
      expect(device.calls.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['begin', 'drop 0', 'drop 1', 'drop 2', 'grow 0', 'grow 1', 'grow 2', 'check', 'release']);
      expect(tf.memory().numTensors).toBe(tensors);

      const vetoing = recording(hostMaskSelection, { check: 'vetoed by the selection' });
      const vetoed = await planUpdate(inputsAt({ ...strategy, update: { ...strategy.update!, drop: magnitude } }, setup, 0, gradients, setup.rng), vetoing.selection);
      tf.dispose(gradients);
      expect(vetoed).toEqual({ ok: false, reason: 'vetoed by the selection' });
      expect(vetoing.calls.slice(-2)).toEqual(['check', 'release']);
    } finally {
      setup.dispose();
    }
  });
});

runConformanceSuite({
  name: 'cpu with device selection',
  setup: async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  },
  strategies: referenceStrategies,
  trainerOptions: { selection: 'device' },
});
