import { check, checkOptionKeys } from '@topiary/core';
import type { GrowInitializer } from '@topiary/core';
import { hostValues } from './layer-values.js';

/** Options of {@link normalInit}. */
export interface NormalInitOptions {
  /** Standard deviation σ of the zero-mean normal distribution, finite and ≥ 0. */
  std: number;
}

/**
 * Grown weights drawn from N(0, σ²) on the host with `ctx.rng` (Box–Muller), so the same seed gives the same
 * values on every backend. SET's reference code draws new weights at random rather than at zero.
 */
export function normalInit(options: NormalInitOptions): GrowInitializer {
  checkOptionKeys(options, ['std'], 'normal');
  const std = options?.std;
  check(typeof std === 'number' && Number.isFinite(std) && std >= 0, 'normal.std', std, 'a finite number ≥ 0');
  return {
    kind: 'normal',
    values: (ctx) => hostValues(ctx.layer, 'normal init', () => std * ctx.rng.normal()),
  };
}
