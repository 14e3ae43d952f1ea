import { closedObject, componentOption, createComponent, defineComponent } from '@topiary/core';
import type { SparseStrategy } from '@topiary/core';
import type { z } from 'zod';
import { dropScheduleField, fractionField, positiveIntField, presetFields, updateOptionFields } from './fields.js';
import { riglDescriptor } from './rigl.js';

/** The default block side: 2 divides every even layer size (LeNet-300-100's 784, 300, 100 and 10 included). */
export const DEFAULT_BLOCK_SIZE = 2;

const blockRiglOptions = closedObject({
  ...presetFields,
  ...updateOptionFields,
  blockSize: positiveIntField.optional().describe("The block side b: masks are constant on b × b tiles of every Dense kernel [in, out] (of [cIn, cOut] at every spatial position of a convolution); b must divide every masked layer's input and output sizes. Default 2."),
  dropFraction: fractionField.optional().describe('Initial drop fraction α, of the active blocks. Default 0.3, as RigL.'),
  dropSchedule: dropScheduleField.optional().describe("Decay of the drop fraction. Default 'cosine', as RigL."),
  drop: componentOption('drop').optional().describe("Replaces the drop criterion (a block's score is the sum of its weights' scores). Default: magnitude."),
  grow: componentOption('grow').optional().describe("Replaces the grow criterion (a block's score is the sum of its weights' scores). Default: gradient."),
});

/** Options of {@link blockRigl}. */
export type BlockRiglOptions = z.input<typeof blockRiglOptions>;

/**
 * RigL on b × b blocks (Evci et al. 2020 on whole tiles, the block sparsity of Gray, Radford & Kingma 2017): every
 * masked layer keeps round(d_l · blocks_l) active blocks, d_l from ERK; every ΔT = 100 steps until 75% of training
 * it drops the cosine-decayed fraction α = 0.3 of its active blocks of smallest summed |w| and grows as many
 * inactive blocks of largest summed dense |∂L/∂w|, new weights at zero.
 */
export function blockRigl(options: BlockRiglOptions): SparseStrategy {
  return createComponent(blockRiglDescriptor, options);
}

/** The descriptor of {@link blockRigl}: method `block-rigl`. */
export const blockRiglDescriptor = defineComponent({
  family: 'preset',
  kind: 'block-rigl',
  doc: 'RigL on b × b blocks (Evci et al. 2020; Gray et al. 2017): masks constant on every block, round(d_l · blocks_l) blocks per layer (ERK), whole blocks dropped and grown by summed scores.',
  options: blockRiglOptions,
  example: { sparsity: 0.9, totalSteps: 1000, blockSize: 2 },
  create: ({ blockSize = DEFAULT_BLOCK_SIZE, ...options }, context): SparseStrategy => ({
    // RigL's schedule, criteria and ERK default, with b × b blocks
    ...riglDescriptor.create(options, { path: context?.path ?? 'block-rigl' }),
    name: 'block-rigl',
    granularity: { kind: 'block', size: blockSize },
  }),
});
