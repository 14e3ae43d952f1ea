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

/** Any model the bench can build: a discriminated union on `kind`. */
export const modelConfigSchema = z.discriminatedUnion('kind', [
  lenet300100ConfigSchema,
  mlpConfigSchema,
  lenet5ConfigSchema,
]);

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
