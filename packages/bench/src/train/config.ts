import { z } from 'zod';
import { closedObject, strategyConfigSchema } from '@topiary/algorithms';
import { flattenIssues, formatPath } from '@topiary/core';
import { DATASET_REQUESTS, type DatasetRequest, type PluginDatasetName } from '../data/dataset-name.js';
import { modelConfigSchema, type ModelConfig, type PluginModelConfig } from '../models/model-config.js';
import { builtinPluginSet, type PluginSet } from '../plugins/plugin-set.js';

/** Data sets the bench can load. */
export const datasetNameSchema = z.enum(DATASET_REQUESTS);

/** Fields each user data-set kind needs (`required`) and may have besides the preparation fields. */
const USER_DATA_FIELDS: Record<string, { readonly required: readonly string[]; readonly allowed: readonly string[]; readonly what: string }> = {
  idx: { required: ['dir'], allowed: ['dir'], what: 'dir: a folder of train/t10k images/labels IDX files (gz or raw)' },
  npy: { required: ['dir'], allowed: ['dir'], what: 'dir: a folder of x_train.npy, y_train.npy, x_test.npy, y_test.npy' },
  npz: { required: ['path'], allowed: ['path'], what: 'path: an .npz archive holding x_train, y_train, x_test, y_test' },
  csv: { required: ['train', 'test'], allowed: ['train', 'test', 'labelColumn'], what: 'train and test: CSV files of features and a label column' },
  module: { required: ['path'], allowed: ['path', 'export', 'options'], what: 'path: an ES module exporting a loader' },
};

/** Which data a run trains and tests on, and how it is prepared. */
export const dataConfigSchema = closedObject({
    /**
     * The full Fashion-MNIST (60k/10k), the 5k/1k subset shipped with the package, or the researcher's own data:
     * `idx` (needs `dir`), `npy` (`dir`), `npz` (`path`), `csv` (`train`, `test`, `labelColumn`) or `module`
     * (`path`, `export`, `options`). Relative paths are resolved against the suite file. @default 'fashion-mnist'
     */
    dataset: datasetNameSchema.default('fashion-mnist'),
    /** A directory: of the four Fashion-MNIST IDX files (searched first when set), of an `idx` or an `npy` data set. */
    dir: z.string().min(1).optional(),
    /** The file of an `npz` archive or a `module` data set. */
    path: z.string().min(1).optional(),
    /** The training CSV file of a `csv` data set. */
    train: z.string().min(1).optional(),
    /** The test CSV file of a `csv` data set. */
    test: z.string().min(1).optional(),
    /** The label column of a `csv` data set: a header name or a 0-based index. @default the `label` column, else the first */
    labelColumn: z.union([z.string().min(1), z.int().nonnegative()]).optional(),
    /** The export of a `module` data set that loads it. @default 'default' */
    export: z.string().min(1).optional(),
    /** JSON options passed to a `module` data set's loader. @default {} */
    options: z.record(z.string(), z.json()).optional(),
    /** Number of training examples held out for validation: the last N of a seeded permutation. @default 0 */
    validationSplit: z.int().nonnegative().default(0),
    /** Input normalisation: 'none' scales pixels to [0, 1]; 'standardize' also subtracts the training mean and divides by its std. @default 'none' */
    normalize: z.enum(['none', 'standardize']).default('none'),
    /** Use only the first N training examples (before the validation split); all when left out. */
    trainLimit: z.int().positive().optional(),
    /** Use only the first N test examples; all when left out. */
    testLimit: z.int().positive().optional(),
  });

/** The optimizer, a discriminated union on `kind`. */
export const optimizerConfigSchema = z.discriminatedUnion('kind', [
  closedObject({
    /** Plain stochastic gradient descent. */
    kind: z.literal('sgd'),
  }),
  closedObject({
    /** SGD with heavy-ball momentum (PyTorch semantics: v = μv + g, w -= lr·v). */
    kind: z.literal('momentum'),
    /** Momentum coefficient μ. @default 0.9 */
    momentum: z.number().min(0).lt(1).default(0.9),
  }),
  closedObject({
    /** SGD with Nesterov momentum. */
    kind: z.literal('nesterov'),
    /** Momentum coefficient μ. @default 0.9 */
    momentum: z.number().min(0).lt(1).default(0.9),
  }),
  closedObject({
    /** Adam (Kingma & Ba 2015). */
    kind: z.literal('adam'),
    /** Decay of the first-moment estimate β1. @default 0.9 */
    beta1: z.number().min(0).lt(1).default(0.9),
    /** Decay of the second-moment estimate β2. @default 0.999 */
    beta2: z.number().min(0).lt(1).default(0.999),
    /** Term added to the denominator for stability ε. @default 1e-8 */
    epsilon: z.number().positive().default(1e-8),
  }),
]);

/** How the learning rate changes from epoch to epoch; applied at the start of every epoch. */
export const lrScheduleConfigSchema = z.discriminatedUnion('kind', [
  closedObject({
    /** The learning rate stays at `learningRate`. */
    kind: z.literal('constant'),
  }),
  closedObject({
      /** Multiply the learning rate by `gamma` at each milestone epoch (PyTorch MultiStepLR). */
      kind: z.literal('multistep'),
      /** Epochs (0-based, strictly increasing) at whose start the learning rate is multiplied by `gamma`. */
      milestones: z.array(z.int().positive()),
      /** Factor applied at each milestone. @default 0.1 */
      gamma: z.number().positive().max(1).default(0.1),
    })
    .refine((s) => s.milestones.every((m, i) => i === 0 || m > s.milestones[i - 1]!), {
      message: 'milestones must be strictly increasing',
      path: ['milestones'],
    }),
  closedObject({
    /** Cosine annealing over the epochs: lr_e = lr_f + (lr_0 − lr_f)·(1 + cos(π e / E)) / 2. */
    kind: z.literal('cosine'),
    /** Final learning rate as a fraction of `learningRate` (lr_f = final · lr_0). @default 0 */
    final: z.number().min(0).max(1).default(0),
  }),
]);

/**
 * The training protocol. Defaults train LeNet-300-100 on Fashion-MNIST to ≈ 89% test accuracy in 10 epochs:
 * SGD with momentum 0.9, learning rate 0.05, batch 128, cosine decay to 0, weight decay 5e-4 (the SNFS /
 * RigL MNIST protocols use momentum SGD with weight decay 5e-4 and a decaying step size; fewer epochs here).
 */
export const trainingConfigSchema = closedObject({
  /** The optimizer. @default { kind: 'momentum', momentum: 0.9 } */
  optimizer: optimizerConfigSchema.prefault({ kind: 'momentum' }),
  /** Initial learning rate. @default 0.05 */
  learningRate: z.number().positive().default(0.05),
  /** Per-epoch learning-rate schedule. @default { kind: 'cosine', final: 0 } */
  lrSchedule: lrScheduleConfigSchema.prefault({ kind: 'cosine' }),
  /** L2 weight decay added to the gradient (g += wd·w, PyTorch SGD semantics). @default 5e-4 */
  weightDecay: z.number().min(0).default(5e-4),
  /** Examples per optimizer step; the last, smaller batch of an epoch is dropped. @default 128 */
  batchSize: z.int().positive().default(128),
  /** Passes over the training data. @default 10 */
  epochs: z.int().positive().default(10),
  /** Evaluate validation accuracy after every epoch and report the best (needs `data.validationSplit` > 0). @default false */
  evaluateBestValidation: z.boolean().default(false),
});

/**
 * What a run writes to its training log (`logs/<run hash>.jsonl` beside runs.jsonl); epoch summaries are always
 * written. Logging does not change what a run computes, so it is left out of the run's identity (its hash).
 */
export const loggingConfigSchema = closedObject({
  /** Write a step line every N steps (the loss of that step and the mean loss since the last line); 0 writes none. @default 50 */
  everySteps: z.int().nonnegative().default(50),
  /** Write a line for every scheduled mask update (per-layer active, dropped and grown counts, exploration rate). @default true */
  maskUpdates: z.boolean().default(true),
});

/** Backends a run may ask for; 'auto' picks the fastest that starts. */
export const backendNameSchema = z.enum(['auto', 'cpu', 'wasm', 'webgpu']);

/**
 * Training engines a run may use: `masked` (dense kernels times masks, every backend and layer), `sparse`
 * (`@topiary/sparse`: Dense stacks held as their nonzeros, cpu, wasm and webgpu backends) or `auto` (`chooseEngine` of
 * `@topiary/sparse`: sparse where it can run the model, strategy and backend and the first masks are at least as
 * sparse as the measured crossover, masked otherwise).
 */
export const engineNameSchema = z.enum(['masked', 'sparse', 'auto']);

/** The fields of a run configuration, with the built-in components, models and data sets. */
const runConfigFields = {
  /** Data set and preparation. @default { dataset: 'fashion-mnist' } */
  data: dataConfigSchema.prefault({}),
  /** The network. @default { kind: 'lenet-300-100' } */
  model: modelConfigSchema.prefault({ kind: 'lenet-300-100' }),
  /** Optimizer, learning rate and its schedule, weight decay, batch size, epochs. @default the protocol above */
  training: trainingConfigSchema.prefault({}),
  /** The sparse-training strategy, validated by @topiary/algorithms. @default { method: 'dense' } */
  algorithm: strategyConfigSchema.prefault({ method: 'dense' }),
  /** Seed for data order, validation split, weight initialisation and the strategy's random choices. @default 0 */
  seed: z.int().default(0),
  /** Backend to run on. @default 'auto' */
  backend: backendNameSchema.default('auto'),
  /**
   * The training engine: `masked`, `sparse` (truly sparse Dense layers; SET's random growth then draws its
   * positions by sampling, so its masks differ from the masked engine's in which positions, not in distribution) or
   * `auto` (chosen before training; the record names the engine used and why). Part of a run's identity unless
   * `masked`, so masked runs keep their hashes. @default 'masked'
   */
  engine: engineNameSchema.default('masked'),
  /** What the run's training log holds (not part of the run's identity). @default { everySteps: 50, maskUpdates: true } */
  logging: loggingConfigSchema.prefault({}),
};

/** One experiment: data, model, training protocol, sparse-training algorithm, seed and backend (built-in components, models and data sets; see {@link runConfigSchemaFor} for plugins'). */
export const runConfigSchema = closedObject(runConfigFields).superRefine(refineRunConfig(builtinPluginSet));

/** The run-config schema of each plugin set, built once. */
const schemas = new WeakMap<PluginSet, z.ZodType<RunConfig>>();

/**
 * The run-config schema with a plugin set's components, models and data sets: `algorithm` is validated by the
 * set's component registry (`strategySchema()`), `model` by its model registry and `data.dataset` (with
 * `data.options`) by its data sets. Without plugins it is {@link runConfigSchema}.
 */
export function runConfigSchemaFor(plugins: PluginSet): z.ZodType<RunConfig> {
  if (plugins.plugins.length === 0) return runConfigSchema as z.ZodType<RunConfig>;
  let schema = schemas.get(plugins);
  if (!schema) {
    schema = closedObject({
      ...runConfigFields,
      data: dataConfigSchema.extend({ dataset: z.enum(plugins.datasets.names() as [string, ...string[]]).default('fashion-mnist') }).prefault({}),
      model: plugins.models.configSchema().prefault({ kind: 'lenet-300-100' }),
      algorithm: plugins.components.strategySchema().prefault({ method: 'dense' }),
    }).superRefine(refineRunConfig(plugins)) as unknown as z.ZodType<RunConfig>;
    schemas.set(plugins, schema);
  }
  return schema;
}

/** The checks across fields: which data fields each data set takes (and a plugin data set's options), the validation split. */
function refineRunConfig(plugins: PluginSet): (config: RunConfig, ctx: z.core.$RefinementCtx<RunConfig>) => void {
  return (config, ctx) => {
    const data = config.data as Record<string, unknown>;
    const dataset = config.data.dataset;
    const plugin = plugins.datasets.get(dataset);
    const fields = plugin ? { required: [], allowed: ['options'], what: `options: the options of the data set of ${plugin.source}` } : USER_DATA_FIELDS[dataset];
    for (const field of ['dir', 'path', 'train', 'test', 'labelColumn', 'export', 'options']) {
      const allowed = fields ? fields.allowed.includes(field) : field === 'dir';
      if (data[field] !== undefined && !allowed) {
        ctx.addIssue({
          code: 'custom',
          message: `dataset '${dataset}' takes no ${field} (${fields ? `${plugin ? 'it takes only' : 'it needs'} ${fields.what}` : 'only dir, a folder of the Fashion-MNIST files'}); remove it or pick the dataset kind it belongs to`,
          path: ['data', field],
          input: data[field],
        });
      }
    }
    for (const field of fields?.required ?? []) {
      if (data[field] === undefined) {
        ctx.addIssue({ code: 'custom', message: `dataset '${dataset}' needs ${fields!.what}`, path: ['data', field], input: undefined });
      }
    }
    if (plugin) {
      const options = plugin.descriptor.options.safeParse(config.data.options ?? {}, { reportInput: true });
      if (!options.success) for (const issue of options.error.issues) ctx.addIssue({ ...issue, path: ['data', 'options', ...issue.path] } as z.core.$ZodSuperRefineIssue);
    }
    if (config.training.evaluateBestValidation && config.data.validationSplit === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'evaluateBestValidation needs data.validationSplit > 0 (a number of held-out training examples)',
        path: ['training', 'evaluateBestValidation'],
        input: config.training.evaluateBestValidation,
      });
    }
    if (config.data.trainLimit !== undefined && config.data.validationSplit >= config.data.trainLimit) {
      ctx.addIssue({
        code: 'custom',
        message: `validationSplit (${config.data.validationSplit}) must be smaller than trainLimit (${config.data.trainLimit})`,
        path: ['data', 'validationSplit'],
        input: config.data.validationSplit,
      });
    }
  };
}

/** Data configuration with every default filled; `dataset` may name a plugin's data set. */
export type DataConfig = Omit<z.output<typeof dataConfigSchema>, 'dataset'> & { dataset: DatasetRequest | PluginDatasetName };
/** Optimizer configuration with every default filled. */
export type OptimizerConfig = z.output<typeof optimizerConfigSchema>;
/** Learning-rate schedule configuration with every default filled. */
export type LrScheduleConfig = z.output<typeof lrScheduleConfigSchema>;
/** Training protocol with every default filled. */
export type TrainingConfig = z.output<typeof trainingConfigSchema>;
/** Training-log settings with every default filled. */
export type LoggingConfig = z.output<typeof loggingConfigSchema>;
/** A fully resolved run configuration (every default filled); `model` and `data.dataset` may name a plugin's. */
export type RunConfig = Omit<z.output<typeof runConfigSchema>, 'data' | 'model'> & { data: DataConfig; model: ModelConfig | PluginModelConfig };
/** A run configuration as written in JSON (optional fields may be left out). */
export type RunConfigInput = z.input<typeof runConfigSchema>;

/**
 * Formats a zod error as one line per problem (one per unknown key), each starting with its path
 * (e.g. `training.epochs`, `model.hidden[1]`) and showing the refused value.
 */
export function formatConfigIssues(error: z.ZodError): string {
  return flattenIssues(error)
    .map((issue) => `${formatPath('', issue.path) || '(root)'}: ${issue.message}`)
    .join('\n');
}

/**
 * Validates a run configuration and fills every default; throws an Error listing each problem with its path.
 * With a plugin set, the config may name the plugins' components, models and data sets.
 * @example
 * const config = parseRunConfig({ algorithm: { method: 'rigl', sparsity: 0.9 }, training: { epochs: 5 } });
 */
export function parseRunConfig(json: unknown, plugins: PluginSet = builtinPluginSet): RunConfig {
  const result = runConfigSchemaFor(plugins).safeParse(json, { reportInput: true });
  if (!result.success) {
    throw new Error(`invalid run config:\n${formatConfigIssues(result.error)}`);
  }
  return result.data;
}
