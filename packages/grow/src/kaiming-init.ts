import { closedObject, createComponent, defineComponent } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { receptiveFanIn } from './fan-in.js';
import { hostValues } from './layer-values.js';

/**
 * Grown weights drawn from He (Kaiming) normal initialisation (He et al. 2015, eq. 10):
 * N(0, σ²) with σ = √(2 / n), n = {@link receptiveFanIn}; drawn on the host with `ctx.rng`.
 */
export function kaimingNormalInit(): GrowInitializer {
  return createComponent(kaimingNormalInitDescriptor, {});
}

/** The descriptor of {@link kaimingNormalInit}: kind `kaiming-normal`, no options. */
export const kaimingNormalInitDescriptor = defineComponent({
  family: 'growInit',
  kind: 'kaiming-normal',
  doc: 'Grown weights drawn from He normal initialisation N(0, 2/fan-in) (He et al. 2015).',
  options: closedObject({}),
  create: (): GrowInitializer => ({
    kind: 'kaiming-normal',
    values(ctx) {
      const std = Math.sqrt(2 / receptiveFanIn(ctx.layer));
      return hostValues(ctx.layer, 'kaiming-normal init', () => std * ctx.rng.normal());
    },
  }),
});

/**
 * Grown weights drawn from the uniform variant of He initialisation: U(−limit, limit) with limit = √(6 / n),
 * n = {@link receptiveFanIn}, whose variance limit²/3 = 2/n is the one He et al. 2015, eq. 10 asks for; drawn on
 * the host with `ctx.rng`.
 */
export function kaimingUniformInit(): GrowInitializer {
  return createComponent(kaimingUniformInitDescriptor, {});
}

/** The descriptor of {@link kaimingUniformInit}: kind `kaiming-uniform`, no options. */
export const kaimingUniformInitDescriptor = defineComponent({
  family: 'growInit',
  kind: 'kaiming-uniform',
  doc: 'Grown weights drawn from U(−√(6/fan-in), √(6/fan-in)), the uniform variant of He initialisation.',
  options: closedObject({}),
  create: (): GrowInitializer => ({
    kind: 'kaiming-uniform',
    values(ctx) {
      const limit = Math.sqrt(6 / receptiveFanIn(ctx.layer));
      return hostValues(ctx.layer, 'kaiming-uniform init', () => limit * (2 * ctx.rng.float() - 1));
    },
  }),
});
