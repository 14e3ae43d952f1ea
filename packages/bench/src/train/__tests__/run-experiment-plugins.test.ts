import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { labPlugin, pluginSetOf } from '../../plugins/__tests__/lab-plugin.js';
import { parseRunConfig } from '../config.js';
import { runExperiment } from '../run-experiment.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('runExperiment with a plugin set', () => {
  const pluginSet = pluginSetOf({ './lab.mjs': labPlugin });

  it("trains a plugin's model on a plugin's data set with a plugin's drop criterion, and says what it resolved", async () => {
    const config = parseRunConfig(
      {
        data: { dataset: 'lab:blobs', options: { count: 60 } },
        model: { kind: 'lab:mlp', hidden: 6 },
        training: { epochs: 1, batchSize: 10 },
        algorithm: { method: 'rigl', sparsity: 0.5, updateEvery: 2, drop: { kind: 'lab:drop' } },
      },
      pluginSet,
    );
    const result = await runExperiment(config, { pluginSet, useActiveBackend: true });
    expect(result.stepsTaken).toBe(6);
    expect(result.data).toMatchObject({ name: 'lab:blobs', origin: 'plugin', source: './lab.mjs', trainCount: 60, numClasses: 3 });
    expect(result.strategy).toEqual({ name: 'rigl', distribution: 'erk', init: 'random', drop: 'lab:drop', grow: 'gradient', growInit: 'zeros' });
    expect(result.summary.sparsity).toBeCloseTo(0.5, 2);
  });

  it('refuses without the plugins, before training', async () => {
    const config = parseRunConfig({ data: { dataset: 'lab:blobs' }, model: { kind: 'lab:mlp' }, training: { epochs: 1, batchSize: 10 } }, pluginSet);
    await expect(runExperiment(config, { useActiveBackend: true })).rejects.toThrow('data.dataset: unknown data set "lab:blobs"');
  });
});
