import { closedObject } from '@topiary/algorithms';
import { z } from 'zod';

/** Activation functions a configurable MLP may use between its hidden layers. */
export const mlpActivationSchema = z.enum(['relu', 'tanh', 'sigmoid', 'elu', 'selu']);

/** An activation function name accepted by {@link MlpConfig}. */
export type MlpActivation = z.output<typeof mlpActivationSchema>;

/** LeNet-300-100 (LeCun et al. 1998): 784-300-100-10 fully connected, ReLU, softmax output. */
export const lenet300100ConfigSchema = closedObject({
  /** Selects LeNet-300-100. */
  kind: z.literal('lenet-300-100'),
});

/** A fully connected network 784-h1-…-hn-10 with a softmax output. */
export const mlpConfigSchema = closedObject({
  /** Selects the configurable MLP. */
  kind: z.literal('mlp'),
  /** Hidden layer widths, input side first. @default [300, 100] */
  hidden: z.array(z.int().positive()).min(1).default([300, 100]),
  /** Activation of every hidden layer. @default 'relu' */
  activation: mlpActivationSchema.default('relu'),
});

/**
 * LeNet-5 (LeCun et al. 1998): conv 5×5×6 → max-pool 2 → conv 5×5×16 → max-pool 2 → dense 120 → 84 → 10.
 * `same-28` feeds the 28×28 image straight in and pads the first convolution ('same'), so the feature maps are
 * 28→14→10→5 exactly as in the classic network; `classic-32` zero-pads the image to 32×32 and uses 'valid'
 * padding everywhere, as in the paper. Both end in a 5×5×16 = 400-wide flatten and have 61,706 parameters.
 */
export const lenet5ConfigSchema = closedObject({
  /** Selects LeNet-5. */
  kind: z.literal('lenet-5'),
  /** Input handling: 'same-28' (28×28, 'same' first conv) or 'classic-32' (pad to 32×32). @default 'same-28' */
  variant: z.enum(['same-28', 'classic-32']).default('same-28'),
  /** Activation after each convolution and hidden dense layer. @default 'relu' */
  activation: z.enum(['relu', 'tanh']).default('relu'),
});

/**
 * A tfjs Layers model saved as `model.json` (by `model.save`, or `tensorflowjs_converter --output_format
 * tfjs_layers_model`): its topology, and its weights when the file has a weights manifest (else the layers'
 * initialisers). The path is resolved against the suite file.
 */
export const tfjsModelConfigSchema = closedObject({
  /** Selects a tfjs model.json. */
  kind: z.literal('tfjs'),
  /** The model.json file; weight files are read from the paths its manifest gives, relative to it. */
  path: z.string().min(1),
});

/**
 * A model built by the researcher's own ES module: its export is called as `builder(options, seed, { tf, tfl })`
 * and returns a tfjs-layers model (or a promise of one). Build with the `tf` and `tfl` passed in, the bench's own
 * copies of tfjs-core and tfjs-layers. The path is resolved against the suite file.
 */
export const moduleModelConfigSchema = closedObject({
  /** Selects a user module. */
  kind: z.literal('module'),
  /** The module file (.mjs, or .js in a "type": "module" package). */
  path: z.string().min(1),
  /** The export that builds the model. @default 'default' */
  export: z.string().min(1).default('default'),
  /** JSON options passed to the builder. @default {} */
  options: z.record(z.string(), z.json()).default({}),
});

/** Any model the bench can build: a discriminated union on `kind`. */
export const modelConfigSchema = z.discriminatedUnion('kind', [
  lenet300100ConfigSchema,
  mlpConfigSchema,
  lenet5ConfigSchema,
  tfjsModelConfigSchema,
  moduleModelConfigSchema,
]);

/** A model loaded from a model.json. */
export type TfjsModelConfig = z.output<typeof tfjsModelConfigSchema>;
/** A model built by a user module, with defaults filled. */
export type ModuleModelConfig = z.output<typeof moduleModelConfigSchema>;
/** The built-in models, which {@link buildModel} builds synchronously. */
export type BuiltinModelConfig = Lenet300100Config | MlpConfig | Lenet5Config;

/** LeNet-300-100 configuration. */
export type Lenet300100Config = z.output<typeof lenet300100ConfigSchema>;
/** Configurable MLP configuration with defaults filled. */
export type MlpConfig = z.output<typeof mlpConfigSchema>;
/** LeNet-5 configuration with defaults filled. */
export type Lenet5Config = z.output<typeof lenet5ConfigSchema>;
/** A model configuration with every default filled. */
export type ModelConfig = z.output<typeof modelConfigSchema>;
/** A model configuration as written in JSON (optional fields may be left out). */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;

/** The model kinds the bench knows itself; a plugin's model kind must be another. */
export const BUILTIN_MODEL_KINDS: readonly ModelConfig['kind'][] = Object.freeze(modelConfigSchema.options.map((option) => option.shape.kind.value));

/** A plugin's model as written in a run config: its `kind` (the descriptor's) and the descriptor's options beside it. */
export type PluginModelConfig = { readonly kind: string } & Readonly<Record<string, unknown>>;

/** True for a built-in model config; false for a plugin's (whose kind is never a built-in one). */
export function isBuiltinModelConfig(config: ModelConfig | PluginModelConfig): config is ModelConfig {
  return (BUILTIN_MODEL_KINDS as readonly string[]).includes(config.kind);
}
