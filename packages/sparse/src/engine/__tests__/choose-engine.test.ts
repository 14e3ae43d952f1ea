import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { magnitudePruning, nmRigl, rigl, snfs, staticSparse } from '@topiary/algorithms';
import { tinyMlp } from '@topiary/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEngine, initialSparsity, SPARSE_ENGINE_CROSSOVER } from '../choose-engine.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('chooseEngine', () => {
  const model = tinyMlp({ seed: 1 });
  afterAll(() => model.dispose());

  it('chooses the sparse engine at and above the crossover and the masked one below it', () => {
    expect(chooseEngine(model, rigl({ sparsity: 0.9, totalSteps: 100 }), { backend: 'wasm' }).engine).toBe('sparse');
    expect(chooseEngine(model, rigl({ sparsity: SPARSE_ENGINE_CROSSOVER, totalSteps: 100 }), { backend: 'cpu' }).engine).toBe('sparse');
    const below = chooseEngine(model, rigl({ sparsity: 0.5, totalSteps: 100 }), { backend: 'wasm' });
    expect(below).toMatchObject({ engine: 'masked' });
    expect(below.reason).toContain('initial sparsity 0.5 < crossover');
    expect(chooseEngine(model, staticSparse({ sparsity: 0.6, totalSteps: 100 }), { backend: 'wasm', crossover: 0.5 }).engine).toBe('sparse');
  });

  it('keeps the masked engine where the sparse one cannot run, saying why', () => {
    expect(chooseEngine(model, rigl({ sparsity: 0.9, totalSteps: 100 }), { backend: 'webgpu' }).reason).toContain("backend 'webgpu'");
    const momentum = chooseEngine(model, snfs({ sparsity: 0.9, totalSteps: 100 }), { backend: 'wasm' });
    expect(momentum.engine).toBe('masked');
    expect(momentum.reason).toContain('momentum');
    expect(chooseEngine(model, nmRigl({ n: 2, m: 4, totalSteps: 100 }), { backend: 'wasm' }).reason).toContain('granularity');
    const conv = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })] });
    try {
      const choice = chooseEngine(conv, rigl({ sparsity: 0.9, totalSteps: 100 }), { backend: 'wasm' });
      expect(choice.engine).toBe('masked');
      expect(choice.reason).toContain('Conv2D');
    } finally {
      conv.dispose();
    }
  });

  it('reads a dense start (gradual pruning) as sparsity 0', () => {
    const pruning = magnitudePruning({ sparsity: 0.95, totalSteps: 1000 });
    expect(initialSparsity(pruning)).toBe(0);
    expect(chooseEngine(model, pruning, { backend: 'wasm' }).engine).toBe('masked');
    expect(initialSparsity({ ...pruning, init: { kind: 'masks', masks: [Uint8Array.of(1, 0, 0, 0), Uint8Array.of(1, 1, 0, 0)] } })).toBe(0.625);
  });

  it('refuses a crossover outside [0, 1]', () => {
    expect(() => chooseEngine(model, rigl({ sparsity: 0.9, totalSteps: 100 }), { backend: 'wasm', crossover: 1.5 })).toThrow(/crossover must be a number in \[0, 1\] \(got 1.5\)/);
  });
});
