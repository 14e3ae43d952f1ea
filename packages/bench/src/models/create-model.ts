import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { issueLines, Rng } from '@topiary/core';
import { importUserModule } from '../data/import-module.js';
import { buildModel } from './build-model.js';
import { isBuiltinModelConfig, type ModelConfig, type ModuleModelConfig, type PluginModelConfig } from './model-config.js';
import { FASHION_MNIST_SHAPE, type ModelBuilderContext, type ModelDataShape } from './model-context.js';
import type { ModelRegistry } from './model-registry.js';
import { ModelError } from './model-error.js';

/** A user model module's export: `(options, seed, { tf, tfl, data }) => tfl.LayersModel` (or a promise of one). */
export type ModelBuilder = (options: Readonly<Record<string, unknown>>, seed: number, context: ModelBuilderContext) => tfl.LayersModel | Promise<tfl.LayersModel>;

/**
 * Creates the model of any config for data of `shape`: builds a built-in, loads a tfjs model.json (with its weights
 * when it has them), calls a user module's builder or builds a plugin's model (from `models`), then checks that it
 * fits the data ({@link checkModelFitsData}). The caller owns and disposes the model.
 */
export async function createModel(config: ModelConfig | PluginModelConfig, seed: number, shape: ModelDataShape = FASHION_MNIST_SHAPE, models?: ModelRegistry): Promise<tfl.LayersModel> {
  const { model, file } = isBuiltinModelConfig(config) ? await createBuiltinModel(config, seed, shape) : await createPluginModel(config, seed, shape, models);
  try {
    checkModelFitsData(model, shape, file);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** A built model and the file (or config field) its problems are reported at. */
interface BuiltModel {
  readonly model: tfl.LayersModel;
  readonly file: string;
}

async function createBuiltinModel(config: ModelConfig, seed: number, shape: ModelDataShape): Promise<BuiltModel> {
  switch (config.kind) {
    case 'tfjs':
      return { model: await loadTfjsModel(config.path, seed), file: config.path };
    case 'module':
      return { model: await buildModuleModel(config, seed, shape), file: config.path };
    default:
      try {
        const features = shape.featureShape.reduce((a, b) => a * b, 1);
        return { model: buildModel(config, seed, { features, classes: shape.numClasses }), file: `model (kind '${config.kind}')` };
      } catch (error) {
        throw new ModelError('model.kind', (error as Error).message, 'Pick a model that takes the data\'s examples.');
      }
  }
}

async function createPluginModel(config: PluginModelConfig, seed: number, shape: ModelDataShape, models: ModelRegistry | undefined): Promise<BuiltModel> {
  const plugin = models?.get(config.kind);
  if (!plugin) {
    throw new ModelError('model.kind', `unknown model kind ${JSON.stringify(config.kind)}`, 'Name a built-in model, or load the plugin that provides it (the suite\'s "plugins", or --plugin).');
  }
  const file = `${plugin.source} (model ${JSON.stringify(config.kind)})`;
  const { kind: _kind, ...options } = config;
  const parsed = plugin.descriptor.options.safeParse(options, { reportInput: true });
  if (!parsed.success) throw new ModelError(file, issueLines(parsed.error, 'model').join('; '), 'Give the options the model takes.');
  let model: unknown;
  try {
    model = await plugin.descriptor.build(parsed.data, seed, { tf, tfl, data: shape } satisfies ModelBuilderContext);
  } catch (cause) {
    throw new ModelError(file, `build() threw: ${(cause as Error).message}`, 'Fix the builder so that it returns a tfjs-layers model.', { cause });
  }
  return { model: expectLayersModel(model, file, 'build()'), file };
}

/** The input shape of a model without the batch dimension, e.g. [784] or [28, 28, 1]. */
export function modelInputShape(model: tfl.LayersModel): number[] {
  return model.inputs[0]!.shape.slice(1) as number[];
}

/**
 * Checks that a model takes the data's examples and predicts its classes: one input whose shape holds as many
 * values as an example (so [784], [28, 28] or [28, 28, 1] all take 28×28 images), one output of `numClasses` units
 * ending in a softmax (the bench trains with categorical cross-entropy on probabilities). Throws a
 * {@link ModelError} naming `file`, what was found, what was expected and the fix.
 */
export function checkModelFitsData(model: tfl.LayersModel, shape: ModelDataShape, file: string): void {
  const features = shape.featureShape.reduce((a, b) => a * b, 1);
  const dataShape = `[${shape.featureShape.join(', ')}]`;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new ModelError(file, `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs, expected one of each`, 'Give the model a single input and a single output.');
  }
  const input = model.inputs[0]!.shape.slice(1);
  const inputValues = input.every((d) => typeof d === 'number') ? (input as number[]).reduce((a, b) => a * b, 1) : undefined;
  if (inputValues !== features) {
    throw new ModelError(
      file,
      `the model's input shape [${input.map((d) => d ?? 'null').join(', ')}] does not take the examples of ${shape.source}, of shape ${dataShape} (${features} values)`,
      `Make the first layer take inputShape ${dataShape}${shape.featureShape.length > 1 ? ` (or [${features}], or any shape of ${features} values)` : ''}.`,
    );
  }
  const output = model.outputs[0]!.shape;
  if (output.length !== 2 || output[1] !== shape.numClasses) {
    throw new ModelError(
      file,
      `the model's output shape [${output.map((d) => d ?? 'null').join(', ')}] does not match the ${shape.numClasses} classes of ${shape.source}, expected [null, ${shape.numClasses}]`,
      `End the model in a dense layer with units: ${shape.numClasses} and activation 'softmax'.`,
    );
  }
  const last = model.layers[model.layers.length - 1]!;
  const activation = (last.getConfig() as { activation?: unknown }).activation;
  if (activation !== 'softmax') {
    throw new ModelError(
      file,
      `the model's last layer '${last.name}' has activation ${JSON.stringify(activation ?? null)}, expected 'softmax' (the bench trains on class probabilities with categorical cross-entropy)`,
      "Set activation: 'softmax' on the last layer.",
    );
  }
}

/** Bytes per element of the dtypes a weights manifest may name (the quantised dtype when quantised). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1 };

interface WeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly tf.io.WeightsManifestEntry[];
}

/**
 * Loads a tfjs Layers model from a model.json on disk: reads the topology and, when the file has a
 * `weightsManifest`, every weight file it lists (paths relative to the model.json), checks their sizes against the
 * manifest's shapes and dtypes, and builds the model with `tf.io.fromMemory`. Without weights, every initialiser
 * that leaves its seed unset gets one derived from `seed`, so the same file and seed give the same weights.
 */
export async function loadTfjsModel(path: string, seed = 0): Promise<tfl.LayersModel> {
  const saveHint = 'Save the model with model.save(\'file://DIR\') from tfjs-node, tf.io.withSaveHandler, or tensorflowjs_converter --output_format tfjs_layers_model.';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ModelError(path, code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(cause)})`, 'Give the path of a model.json, relative to the suite file.', { cause });
  }
  let json: { modelTopology?: unknown; weightsManifest?: unknown; format?: unknown; generatedBy?: string; convertedBy?: string | null };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (cause) {
    throw new ModelError(path, `invalid JSON (${(cause as Error).message})`, saveHint, { cause });
  }
  if (json.format === 'graph-model') {
    throw new ModelError(path, 'is a tfjs graph model, expected a Layers model (format "layers-model")', 'Convert the Keras model with tensorflowjs_converter --output_format tfjs_layers_model.');
  }
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new ModelError(path, 'has no "modelTopology" object, expected a tfjs Layers model.json', saveHint);
  }
  const topology = json.modelTopology as { model_config?: unknown; class_name?: unknown };
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as object,
    ...(json.format === undefined ? {} : { format: String(json.format) }),
    ...(json.generatedBy === undefined ? {} : { generatedBy: json.generatedBy }),
    ...(json.convertedBy === undefined || json.convertedBy === null ? {} : { convertedBy: json.convertedBy }),
  };
  if (topology.class_name === undefined && topology.model_config === undefined) {
    throw new ModelError(path, 'modelTopology has neither "class_name" nor "model_config", expected a Keras model config', saveHint);
  }
  if (json.weightsManifest !== undefined) {
    const manifest = json.weightsManifest as WeightsGroup[];
    if (!Array.isArray(manifest) || !manifest.every((group) => Array.isArray(group?.paths) && Array.isArray(group?.weights))) {
      throw new ModelError(path, 'weightsManifest must be an array of { paths: string[], weights: [...] } groups', saveHint);
    }
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: Uint8Array[] = [];
    for (const [g, group] of manifest.entries()) {
      let expected = 0;
      for (const [w, weight] of group.weights.entries()) {
        const dtype = weight.quantization?.dtype ?? weight.dtype;
        const bytes = DTYPE_BYTES[dtype];
        if (typeof weight.name !== 'string' || !Array.isArray(weight.shape) || bytes === undefined) {
          throw new ModelError(
            path,
            `weightsManifest[${g}].weights[${w}] must have a name, a shape and a dtype (${Object.keys(DTYPE_BYTES).join(', ')}), got ${JSON.stringify(weight)}`,
            saveHint,
          );
        }
        expected += weight.shape.reduce((a, b) => a * b, 1) * bytes;
      }
      let got = 0;
      for (const file of group.paths) {
        const full = resolve(dirname(path), file);
        let bytes: Uint8Array;
        try {
          bytes = await readFile(full);
        } catch (cause) {
          throw new ModelError(full, `weight file not found (listed in weightsManifest[${g}].paths of ${path})`, 'Keep the weight files beside the model.json, or remove the weightsManifest to start from the initialisers.', { cause });
        }
        buffers.push(bytes);
        got += bytes.byteLength;
      }
      if (got !== expected) {
        throw new ModelError(
          path,
          `weightsManifest[${g}] describes ${expected} bytes of weights, but its files ${group.paths.join(', ')} hold ${got}`,
          'Save the model again so that the manifest and the weight files belong together.',
        );
      }
      specs.push(...group.weights);
    }
    const weightData = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
    let offset = 0;
    for (const buffer of buffers) {
      weightData.set(buffer, offset);
      offset += buffer.byteLength;
    }
    artifacts.weightSpecs = specs;
    artifacts.weightData = weightData.buffer;
  } else {
    artifacts.modelTopology = seedInitializers(json.modelTopology, Rng.fromSeed(seed));
  }
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (cause) {
    throw new ModelError(path, `tfjs-layers cannot build the model (${(cause as Error).message})`, 'Check the layers and weights in the file; custom layers are not supported here, use a module model instead.', { cause });
  }
}

/** A copy of a Keras topology with a seed from `rng` on every `*_initializer` whose config has no seed, in layer order. */
function seedInitializers(node: unknown, rng: Rng): object {
  const visit = (value: unknown, key?: string): unknown => {
    if (Array.isArray(value)) return value.map((item) => visit(item));
    if (typeof value !== 'object' || value === null) return value;
    const object = value as Record<string, unknown>;
    const config = object['config'] as Record<string, unknown> | undefined;
    if (key?.endsWith('_initializer') && typeof config === 'object' && config !== null && 'seed' in config && (config['seed'] === null || config['seed'] === undefined)) {
      return { ...object, config: { ...config, seed: rng.seed() } };
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, visit(v, k)]));
  };
  return visit(node) as object;
}

async function buildModuleModel(config: ModuleModelConfig, seed: number, shape: ModelDataShape): Promise<tfl.LayersModel> {
  const builder = (await importUserModule(
    config.path,
    config.export,
    'a model builder `(options, seed, { tf, tfl, data }) => tfl.LayersModel`',
    (file, problem, fix, options) => new ModelError(file, problem, fix, options),
  )) as unknown as ModelBuilder;
  let model: unknown;
  try {
    model = await builder(config.options, seed, { tf, tfl, data: shape });
  } catch (cause) {
    throw new ModelError(config.path, `the builder '${config.export}' threw: ${(cause as Error).message}`, 'Fix the builder so that it returns a tfjs-layers model.', { cause });
  }
  return expectLayersModel(model, config.path, `the builder '${config.export}'`);
}

/** `value` as a tfjs-layers model, or a {@link ModelError} naming `file` and `who` (the builder) when it is none. */
function expectLayersModel(value: unknown, file: string, who: string): tfl.LayersModel {
  const looksLikeModel = typeof value === 'object' && value !== null && typeof (value as tfl.LayersModel).predict === 'function' && Array.isArray((value as tfl.LayersModel).layers) && Array.isArray((value as tfl.LayersModel).inputs);
  if (!looksLikeModel) {
    throw new ModelError(
      file,
      `${who} returned ${value === null ? 'null' : typeof value}, expected a tfjs-layers model (tfl.sequential(…) or tfl.model(…))`,
      'Return the model from the builder, built with the tfl passed in its third argument.',
    );
  }
  return value as tfl.LayersModel;
}
