// A plugin made in the test process: a drop criterion, a model and a data set, and plugin sets holding it.
import { createHash } from 'node:crypto';
import { magnitudeDropDescriptor } from '@topiary/drop';
import { closedObject, defineComponent } from '@topiary/core';
import { z } from 'zod';
import { defineDataset } from '../../data/dataset-descriptor.js';
import { defineModel } from '../../models/model-descriptor.js';
import { checkPlugin, type TopiaryPlugin } from '../plugin-contract.js';
import { combinePlugins, type PluginSet } from '../plugin-set.js';

/** Magnitude drop under the kind `lab:drop`, with an option. */
export const labDrop = defineComponent({
  family: 'drop',
  kind: 'lab:drop',
  doc: 'Magnitude drop under another name.',
  options: closedObject({ scale: z.number().positive().optional() }),
  create: () => ({ ...magnitudeDropDescriptor.create({}, undefined), kind: 'lab:drop' }),
});

/** A one-hidden-layer model sized to the data. */
export const labModel = defineModel({
  kind: 'lab:mlp',
  doc: 'One hidden layer.',
  options: closedObject({ hidden: z.int().positive().default(8) }),
  build: ({ hidden }, seed, { tfl, data }) => {
    const model = tfl.sequential();
    model.add(tfl.layers.dense({ name: 'hidden', units: hidden, inputShape: [data.featureShape.reduce((a, b) => a * b, 1)], activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
    model.add(tfl.layers.dense({ name: 'out', units: data.numClasses, activation: 'softmax' }));
    return model;
  },
});

/** Three classes of four features, `count` training examples. */
export const labData = defineDataset({
  name: 'lab:blobs',
  doc: 'Three classes of four features.',
  options: closedObject({ count: z.int().positive().default(60) }),
  load: ({ count }) => {
    const split = (n: number) => ({
      x: { data: Float32Array.from({ length: n * 4 }, (_, i) => (Math.floor(i / 4) % 3) + (i % 4) / 10), shape: [n, 4] },
      y: { data: Array.from({ length: n }, (_, i) => i % 3), shape: [n] },
    });
    return { train: split(count), test: split(12) };
  },
});

/** The lab plugin. */
export const labPlugin: TopiaryPlugin = { components: [labDrop], models: [labModel], datasets: [labData] };

/** A plugin set of plugins held in memory, each under its path with a sha256 made from `version`. */
export function pluginSetOf(plugins: Readonly<Record<string, TopiaryPlugin>>, version = 'v1'): PluginSet {
  return combinePlugins(
    Object.entries(plugins).map(([path, plugin]) => ({
      path,
      relativeTo: 'suite' as const,
      file: `/plugins/${path}`,
      sha256: createHash('sha256').update(`${path} ${version}`).digest('hex'),
      plugin: checkPlugin(plugin, path),
    })),
  );
}
