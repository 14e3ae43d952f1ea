import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { rigl } from '@topiary/algorithms';
import { SparseTrainer } from '@topiary/core';
import { syntheticBatches, tinyMlp, toTensors } from '@topiary/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { typescriptProducts } from '../../typescript/typescript-products.js';
import { createTrainer } from '../create-trainer.js';
import { SparseEngineTrainer } from '../sparse-engine-trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const options = (engine: 'masked' | 'sparse' | 'auto', sparsity = 0.9) => ({
  engine,
  strategy: rigl({ sparsity, totalSteps: 20, updateEvery: 5 }),
  optimizer: tf.train.momentum(0.05, 0.9),
  loss: 'categoricalCrossentropy' as const,
  seed: 3,
  sparse: { products: typescriptProducts(), randomGrowth: 'masked-order' as const },
  masked: { onWarning: () => undefined },
});

describe('createTrainer', () => {
  it('trains the same run on either engine from one set of options', async () => {
    const models = [tinyMlp({ seed: 1 }), tinyMlp({ seed: 1 })];
    const masked = createTrainer(models[0]!, options('masked'));
    const sparse = createTrainer(models[1]!, options('sparse'));
    try {
      expect(masked.trainer).toBeInstanceOf(SparseTrainer);
      expect(sparse.trainer).toBeInstanceOf(SparseEngineTrainer);
      for (const batch of syntheticBatches({ count: 12 })) {
        const { x, y } = toTensors(batch);
        const [a, b] = [await masked.trainer.step(x, y), await sparse.trainer.step(x, y)];
        tf.dispose([x, y]);
        expect(b.loss).toBeCloseTo(a.loss, 5);
      }
      expect(sparse.trainer.masks()).toEqual(masked.trainer.masks());
    } finally {
      masked.trainer.dispose();
      sparse.trainer.dispose();
      models.forEach((m) => m.dispose());
    }
  });

  it("resolves 'auto' on the active backend and says why", () => {
    const model = tinyMlp({ seed: 1 });
    try {
      const high = createTrainer(model, options('auto', 0.9));
      expect(high.choice.engine).toBe('sparse');
      expect(high.trainer).toBeInstanceOf(SparseEngineTrainer);
      high.trainer.dispose();
      const low = createTrainer(model, options('auto', 0.5));
      expect(low.choice).toMatchObject({ engine: 'masked' });
      expect(low.choice.reason).toContain('crossover');
      low.trainer.dispose();
    } finally {
      model.dispose();
    }
  });

  it('refuses an unknown engine, naming the value and the choices', () => {
    const model = tinyMlp({ seed: 1 });
    try {
      expect(() => createTrainer(model, { ...options('masked'), engine: 'dense' as never })).toThrow(`engine must be 'masked', 'sparse' or 'auto' (got "dense")`);
    } finally {
      model.dispose();
    }
  });
});
