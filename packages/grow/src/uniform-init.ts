import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { z } from 'zod';
import { hostValues } from './layer-values.js';

const uniformInitOptions = closedObject({ limit: z.number().min(0, 'must be ≥ 0').describe('Half-width of the interval: values lie in [−limit, limit]; finite and ≥ 0.') });

/** Options of {@link uniformInit}. */
export type UniformInitOptions = z.input<typeof uniformInitOptions>;

/** Grown weights drawn from U(−limit, limit) on the host with `ctx.rng`, reproducible on every backend. */
export function uniformInit(options: UniformInitOptions): GrowInitializer {
  return createComponent(uniformInitDescriptor, options);
}

/** The descriptor of {@link uniformInit}: kind `uniform`, option `limit`. */
export const uniformInitDescriptor = defineComponent({
  family: 'growInit',
  kind: 'uniform',
  doc: 'Grown weights drawn from U(−limit, limit) with the engine\'s generator.',
  options: uniformInitOptions,
  example: { limit: 0.01 },
  create: ({ limit }): GrowInitializer => ({
    kind: 'uniform',
    values: (ctx) => hostValues(ctx.layer, 'uniform init', () => limit * (2 * ctx.rng.float() - 1)),
  }),
});
