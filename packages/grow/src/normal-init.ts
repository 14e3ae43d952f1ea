import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { z } from 'zod';
import { hostValues } from './layer-values.js';

const normalInitOptions = closedObject({ std: z.number().min(0, 'must be ≥ 0').describe('Standard deviation σ of the zero-mean normal distribution, finite and ≥ 0.') });

/** Options of {@link normalInit}. */
export type NormalInitOptions = z.input<typeof normalInitOptions>;

/**
 * Grown weights drawn from N(0, σ²) on the host with `ctx.rng` (Box–Muller), so the same seed gives the same
 * values on every backend. SET's reference code draws new weights at random rather than at zero.
 */
export function normalInit(options: NormalInitOptions): GrowInitializer {
  return createComponent(normalInitDescriptor, options);
}

/** The descriptor of {@link normalInit}: kind `normal`, option `std`. */
export const normalInitDescriptor = defineComponent({
  family: 'growInit',
  kind: 'normal',
  doc: 'Grown weights drawn from N(0, σ²) with the engine\'s generator.',
  options: normalInitOptions,
  example: { std: 0.01 },
  create: ({ std }): GrowInitializer => ({
    kind: 'normal',
    values: (ctx) => hostValues(ctx.layer, 'normal init', () => std * ctx.rng.normal()),
  }),
});
