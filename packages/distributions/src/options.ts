import { z } from 'zod';

/** The `dense` option every distribution accepts: layer names held at density 1. */
export const denseLayersOption = z
  .array(z.string().min(1, 'must be a non-empty layer name'), 'must be a list of layer names')
  .readonly()
  .optional()
  .describe('Layers kept fully dense, by owning layer name (`layerName`) or kernel name (`name`). Their weights count as nonzeros of the overall budget, so the other layers become sparser to keep the overall sparsity at S.');

/** Options every distribution accepts. */
export interface DistributionCommonOptions {
  /** Layers kept fully dense, by owning layer name (`layerName`) or kernel name (`name`); see {@link denseLayersOption}. @default [] */
  dense?: readonly string[] | undefined;
}

/** A frozen copy of the `dense` option, empty when absent. */
export function frozenDense(dense: readonly string[] | undefined): readonly string[] {
  return Object.freeze([...(dense ?? [])]);
}
