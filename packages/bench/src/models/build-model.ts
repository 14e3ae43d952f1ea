import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, checkPositiveInteger } from '@topiary/core';
import { IMAGE_PIXELS, IMAGE_SIZE, NUM_CLASSES } from '../data/fashion-mnist-files.js';
import type { Lenet5Config, MlpActivation, ModelConfig } from './model-config.js';

/** The size of a data set a model is built for. */
export interface ModelDataSize {
  /** Input values per example. @default 784 */
  readonly features?: number;
  /** Output classes. @default 10 */
  readonly classes?: number;
}

/**
 * Builds a fresh, uncompiled tfjs-layers model for a built-in `config` (`tfjs` and `module` models load with `createModel`). Every model takes flat [batch, features]
 * inputs (784 by default; LeNet-5 needs 784, a 28×28 image) and ends in a `classes`-way softmax (10 by default). Every kernel initialiser (Glorot uniform) is seeded from `seed`, one derived seed per layer,
 * and biases start at zero, so the same config and seed give identical weights.
 * @example
 * const model = buildModel({ kind: 'lenet-300-100' }, 42);
 * model.countParams(); // 266610
 */
export function buildModel(config: ModelConfig, seed: number, size: ModelDataSize = {}): tfl.LayersModel {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const rng = Rng.fromSeed(seed);
  const features = size.features ?? IMAGE_PIXELS;
  const classes = size.classes ?? NUM_CLASSES;
  switch (config.kind) {
    case 'lenet-300-100':
      return buildMlp('lenet-300-100', [300, 100], 'relu', rng, features, classes);
    case 'mlp':
      return buildMlp('mlp', config.hidden, config.activation, rng, features, classes);
    case 'lenet-5':
      if (features !== IMAGE_PIXELS) {
        throw new RangeError(
          `model.kind 'lenet-5' takes 28×28 images (784 values per example), but the data has ${features}; use model.kind 'mlp', or a 'tfjs' or 'module' model for this data`,
        );
      }
      return buildLenet5(config, rng, classes);
    case 'tfjs':
    case 'module':
      throw new RangeError(`model.kind '${config.kind}' is loaded from ${config.path}: use createModel, which is async`);
    default: {
      const unknown: never = config;
      throw new RangeError(`buildModel builds model.kind 'lenet-300-100', 'mlp' or 'lenet-5' ('tfjs' and 'module' load with createModel), got ${JSON.stringify((unknown as { kind: unknown }).kind)}`);
    }
  }
}

function kernelInitializer(rng: Rng): ReturnType<typeof tfl.initializers.glorotUniform> {
  return tfl.initializers.glorotUniform({ seed: rng.seed() });
}

/** A Dense layer with a seeded Glorot-uniform kernel and a zero bias. */
function seededDense(name: string, units: number, activation: MlpActivation | 'softmax', rng: Rng, inputShape?: number[]): tfl.layers.Layer {
  return tfl.layers.dense({
    name,
    units,
    activation,
    kernelInitializer: kernelInitializer(rng),
    biasInitializer: 'zeros',
    ...(inputShape ? { inputShape } : {}),
  });
}

function buildMlp(name: string, hidden: readonly number[], activation: MlpActivation, rng: Rng, features: number, classes: number): tfl.LayersModel {
  if (hidden.length === 0) throw new RangeError('model.hidden must list at least one layer width, got []');
  hidden.forEach((width, i) => checkPositiveInteger(width, `model.hidden[${i}]`));
  const model = tfl.sequential({ name });
  hidden.forEach((units, i) => {
    model.add(seededDense(`fc${i + 1}`, units, activation, rng, i === 0 ? [features] : undefined));
  });
  model.add(seededDense('output', classes, 'softmax', rng));
  return model;
}

/**
 * LeNet-5 (LeCun, Bottou, Bengio & Haffner 1998) with max pooling and ReLU/tanh in place of the paper's subsampling
 * and scaled tanh. 'same-28': conv1 pads its 28×28 input ('same'); 'classic-32': the image is zero-padded to 32×32
 * and conv1 is 'valid'. Either way the maps are 28×28×6 → 14×14×6 → 10×10×16 → 5×5×16.
 */
function buildLenet5(config: Lenet5Config, rng: Rng, classes: number): tfl.LayersModel {
  const model = tfl.sequential({ name: `lenet-5-${config.variant}` });
  model.add(tfl.layers.reshape({ name: 'image', targetShape: [IMAGE_SIZE, IMAGE_SIZE, 1], inputShape: [IMAGE_PIXELS] }));
  if (config.variant === 'classic-32') model.add(tfl.layers.zeroPadding2d({ name: 'pad', padding: 2 }));
  const conv = (name: string, filters: number, padding: 'same' | 'valid') =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize: 5,
      padding,
      activation: config.activation,
      kernelInitializer: kernelInitializer(rng),
      biasInitializer: 'zeros',
    });
  model.add(conv('conv1', 6, config.variant === 'same-28' ? 'same' : 'valid'));
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2, strides: 2 }));
  model.add(conv('conv2', 16, 'valid'));
  model.add(tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 2 }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  for (const [name, units] of [
    ['fc1', 120],
    ['fc2', 84],
  ] as const) {
    model.add(seededDense(name, units, config.activation, rng));
  }
  model.add(seededDense('output', classes, 'softmax', rng));
  return model;
}
