import { magnitudeDropDescriptor } from '@topiary/drop';
import { closedObject } from '@topiary/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineDataset } from '../../data/dataset-descriptor.js';
import { defineModel } from '../../models/model-descriptor.js';
import { checkPlugin, definePlugin } from '../plugin-contract.js';
import { PluginError } from '../plugin-error.js';

const model = {
  kind: 'lab:tiny',
  doc: 'A tiny model.',
  options: closedObject({ hidden: z.int().positive().default(4) }),
  build: () => {
    throw new Error('not built here');
  },
};
const dataset = {
  name: 'lab:blobs',
  doc: 'Blobs.',
  options: closedObject({}),
  load: () => ({ train: { x: { data: [0, 1], shape: [2, 1] }, y: { data: [0, 1], shape: [2] } }, test: { x: { data: [0, 1], shape: [2, 1] }, y: { data: [0, 1], shape: [2] } } }),
};
const drop = { ...magnitudeDropDescriptor, kind: 'lab:magnitude' };

/** The message of what `check` throws. */
function refusal(check: () => unknown): string {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(PluginError);
    return (error as Error).message;
  }
  throw new Error('nothing was thrown');
}

describe('definePlugin', () => {
  it('keeps components, models and data sets, checked and frozen', () => {
    const plugin = definePlugin({ components: [drop], models: [model], datasets: [dataset] });
    expect(plugin.components?.map((d) => d.kind)).toEqual(['lab:magnitude']);
    expect(plugin.models?.map((d) => d.kind)).toEqual(['lab:tiny']);
    expect(plugin.datasets?.map((d) => d.name)).toEqual(['lab:blobs']);
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(Object.isFrozen(plugin.models![0])).toBe(true);
    expect(definePlugin({})).toEqual({});
  });

  it('refuses what is not an object, an unknown field (with the nearest) and a field that is not a list', () => {
    expect(refusal(() => checkPlugin(() => 1, 'p.mjs'))).toMatch(/^p\.mjs: the plugin is function, expected an object \{ components\?, models\?, datasets\? \}\. Export definePlugin/);
    expect(refusal(() => checkPlugin({ compnents: [] }, 'p.mjs'))).toContain('p.mjs: compnents: unknown key "compnents" (did you mean "components"?)');
    expect(refusal(() => checkPlugin({ models: model }, 'p.mjs'))).toContain('models: must be an array of model descriptors (defineModel from @topiary/bench)');
  });

  it('checks components as the built-ins are checked, naming the position and the field', () => {
    const message = refusal(() => checkPlugin({ components: [drop, { ...drop, kind: 'Bad Kind' }, { ...drop, kind: 'lab:x', doc: '' }] }, 'p.mjs'));
    expect(message).toContain(`components[1]: component "Bad Kind": kind must be lower-case words joined by '-', ':' or '.'`);
    expect(message).toContain('components[2]: component "lab:x": doc must be one non-empty line');
    expect(message).not.toContain('components[0]');
  });

  it('checks model and data-set descriptors: kind or name, doc, options, the factory and the example', () => {
    const message = refusal(() =>
      checkPlugin(
        {
          models: [{ ...model, kind: 'Tiny' }, { ...model, options: { hidden: 4 } }, { ...model, build: undefined, biuld: model.build }, { ...model, example: { hidden: 0 } }, { ...model, options: z.object({ kind: z.string() }) }],
          datasets: [{ ...dataset, doc: 'two\nlines', load: 'data.csv' }],
        },
        'p.mjs',
      ),
    );
    expect(message).toContain(`models[0]: model "Tiny": kind: must be lower-case words joined by '-', ':' or '.'`);
    expect(message).toContain('models[1]: model "lab:tiny": options: must be a zod object schema (z.object or closedObject from @topiary/core)');
    expect(message).toContain('models[2]: model "lab:tiny": build: must be a function (options, seed, { tf, tfl, data }) => tfl.LayersModel (missing)');
    expect(message).toContain('model "lab:tiny": biuld: unknown key "biuld" (did you mean "build"?)');
    expect(message).toContain('models[3]: model "lab:tiny": example.hidden: Too small');
    expect(message).toContain("models[4]: model \"lab:tiny\": options must not declare 'kind'");
    expect(message).toContain('datasets[0]: data set "lab:blobs": doc: must be one non-empty line (got "two\\nlines")');
    expect(message).toContain('data set "lab:blobs": load: must be a function (options) => ({ train: { x, y }, test: { x, y } }) (got "data.csv")');
  });

  it('gives defineModel and defineDataset the same checks', () => {
    expect(defineModel(model).kind).toBe('lab:tiny');
    expect(defineDataset(dataset).name).toBe('lab:blobs');
    expect(() => defineDataset({ ...dataset, name: 'fashion mnist' })).toThrow(/data set "fashion mnist": name: must be lower-case words/);
  });
});
