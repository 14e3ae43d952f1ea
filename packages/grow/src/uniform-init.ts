import { check, checkOptionKeys } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { hostValues } from './layer-values.js';

/** Options of {@link uniformInit}. */
export interface UniformInitOptions {
  /** Half-width of the interval: values lie in [−limit, limit]; finite and ≥ 0. */
  limit: number;
}

/** Grown weights drawn from U(−limit, limit) on the host with `ctx.rng`, reproducible on every backend. */
export function uniformInit(options: UniformInitOptions): GrowInitializer {
  checkOptionKeys(options, ['limit'], 'uniform');
  const limit = options?.limit;
  check(typeof limit === 'number' && Number.isFinite(limit) && limit >= 0, 'uniform.limit', limit, 'a finite number ≥ 0');
  return {
    kind: 'uniform',
    values: (ctx) => hostValues(ctx.layer, 'uniform init', () => limit * (2 * ctx.rng.float() - 1)),
  };
}
