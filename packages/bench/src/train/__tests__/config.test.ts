import { describe, expect, it } from 'vitest';
import { labPlugin, pluginSetOf } from '../../plugins/__tests__/lab-plugin.js';
import { formatConfigIssues, parseRunConfig, runConfigSchema, runConfigSchemaFor } from '../config.js';

describe('parseRunConfig', () => {
  it('fills every default from an empty object', () => {
    const config = parseRunConfig({});
    expect(config.data).toEqual({ dataset: 'fashion-mnist', validationSplit: 0, normalize: 'none' });
    expect(config.model).toEqual({ kind: 'lenet-300-100' });
    expect(config.training).toEqual({
      optimizer: { kind: 'momentum', momentum: 0.9 },
      learningRate: 0.05,
      lrSchedule: { kind: 'cosine', final: 0 },
      weightDecay: 5e-4,
      batchSize: 128,
      epochs: 10,
      evaluateBestValidation: false,
    });
    expect(config.algorithm.method).toBe('dense');
    expect(config.seed).toBe(0);
    expect(config.backend).toBe('auto');
  });

  it('fills nested defaults of partially given objects', () => {
    const config = parseRunConfig({
      model: { kind: 'mlp' },
      training: { optimizer: { kind: 'adam' }, lrSchedule: { kind: 'multistep', milestones: [3, 6] } },
    });
    expect(config.model).toEqual({ kind: 'mlp', hidden: [300, 100], activation: 'relu' });
    expect(config.training.optimizer).toEqual({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(config.training.lrSchedule).toEqual({ kind: 'multistep', milestones: [3, 6], gamma: 0.1 });
  });

  it('refuses unknown keys and names their path', () => {
    expect(() => parseRunConfig({ training: { epoch: 3 } })).toThrow(/training\.epoch: unknown key/);
    expect(() => parseRunConfig({ model: { kind: 'lenet-5', width: 2 } })).toThrow(/model\.width: unknown key/);
    expect(() => parseRunConfig({ colour: 'red' })).toThrow(/colour: unknown key/);
  });

  it('names the field and the value of a bad entry', () => {
    expect(() => parseRunConfig({ training: { batchSize: 0 } })).toThrow(/training\.batchSize: .*\(got 0\)/);
    expect(() => parseRunConfig({ data: { dataset: 'mnist' } })).toThrow(/data\.dataset: .*\(got "mnist"\)/);
    expect(() => parseRunConfig({ seed: 1.5 })).toThrow(/seed: /);
    expect(() => parseRunConfig({ model: { kind: 'mlp', hidden: [300, 0] } })).toThrow(/model\.hidden\[1\]: .*\(got 0\)/);
    expect(() =>
      parseRunConfig({ training: { lrSchedule: { kind: 'multistep', milestones: [5, 2] } } }),
    ).toThrow(/training\.lrSchedule\.milestones: milestones must be strictly increasing/);
  });

  it('checks cross-field constraints', () => {
    expect(() => parseRunConfig({ training: { evaluateBestValidation: true } })).toThrow(
      /training\.evaluateBestValidation: .*validationSplit/,
    );
    expect(() => parseRunConfig({ data: { trainLimit: 100, validationSplit: 100 } })).toThrow(
      /data\.validationSplit: .*smaller than trainLimit/,
    );
    expect(parseRunConfig({ data: { validationSplit: 10 }, training: { evaluateBestValidation: true } }).data.validationSplit).toBe(10);
  });

  it('validates the algorithm with the algorithms schema', () => {
    expect(() => parseRunConfig({ algorithm: { method: 'no-such-method', sparsity: 0.9 } })).toThrow(/algorithm/);
    const config = parseRunConfig({ algorithm: { method: 'rigl', sparsity: 0.9 } });
    expect(config.algorithm).toMatchObject({ method: 'rigl', sparsity: 0.9 });
  });

  it('is idempotent: a parsed config parses to itself', () => {
    const config = parseRunConfig({ model: { kind: 'lenet-5' }, seed: 7 });
    expect(runConfigSchema.parse(config)).toEqual(config);
  });
});

describe('runConfigSchemaFor a plugin set', () => {
  const plugins = pluginSetOf({ './lab.mjs': labPlugin });
  const problems = (json: unknown) => {
    const result = runConfigSchemaFor(plugins).safeParse(json, { reportInput: true });
    return result.success ? [] : formatConfigIssues(result.error).split('\n');
  };

  it("accepts the plugin's components in algorithm, its model kind and its data set, with their options", () => {
    const config = parseRunConfig({ algorithm: { method: 'rigl', sparsity: 0.9, drop: { kind: 'lab:drop', scale: 2 } }, model: { kind: 'lab:mlp' }, data: { dataset: 'lab:blobs', options: { count: 30 } } }, plugins);
    expect(config.algorithm).toMatchObject({ drop: { kind: 'lab:drop', scale: 2 } });
    expect(config.model).toEqual({ kind: 'lab:mlp', hidden: 8 });
    expect(config.data).toMatchObject({ dataset: 'lab:blobs', options: { count: 30 } });
    expect(parseRunConfig({}, plugins)).toEqual(parseRunConfig({}));
  });

  it('checks their options where they are written, and the data fields a plugin data set takes', () => {
    expect(problems({ algorithm: { method: 'rigl', sparsity: 0.9, drop: { kind: 'lab:drop', scal: 2 } } })).toEqual(['algorithm.drop.scal: unknown key "scal" (did you mean "scale"?); allowed: kind, scale']);
    expect(problems({ model: { kind: 'lab:mlp', hidden: 0 } })[0]).toMatch(/^model\.hidden: Too small/);
    expect(problems({ data: { dataset: 'lab:blobs', options: { count: 'many' } } })[0]).toBe('data.options.count: Invalid input: expected number, received string (got "many")');
    expect(problems({ data: { dataset: 'lab:blobs', options: { cuont: 3 } } })).toEqual(['data.options.cuont: unknown key "cuont" (did you mean "count"?); allowed: count']);
    expect(problems({ data: { dataset: 'lab:blobs', dir: 'data' } })[0]).toBe(
      "data.dir: dataset 'lab:blobs' takes no dir (it takes only options: the options of the data set of ./lab.mjs); remove it or pick the dataset kind it belongs to (got \"data\")",
    );
  });

  it('refuses the kinds without the plugins, as the built-in schema does', () => {
    expect(() => parseRunConfig({ model: { kind: 'lab:mlp' } })).toThrow(/model\.kind: must be one of "lenet-300-100", "mlp", "lenet-5", "tfjs", "module" \(got "lab:mlp"\)/);
    expect(() => parseRunConfig({ data: { dataset: 'lab:blobs' } })).toThrow(/data\.dataset/);
    expect(() => parseRunConfig({ algorithm: { method: 'rigl', sparsity: 0.9, drop: { kind: 'lab:drop' } } })).toThrow(/algorithm\.drop\.kind: must be one of/);
  });
});
