import type { NMGranularity } from '@topiary/core';
import { z } from 'zod';

/** The options of N:M presets (`n:m-rigl`, `n:m-set`): n, m, and a sparsity that may only repeat 1 − n/m. */
export const nmFields = {
  n: z.number().int('must be an integer').min(1, 'must be ≥ 1').optional().describe('Active weights per group of m consecutive inputs, in [1, m). Default 2.'),
  m: z.number().int('must be an integer').min(2, 'must be ≥ 2').optional().describe("Group size along the input axis; must divide every masked layer's input size. Default 4."),
  sparsity: z.number().optional().describe('Always 1 − n/m (0.5 for 2:4); may be written for symmetry with the other methods, and must then equal it.'),
};

/** The granularity and the sparsity 1 − n/m of an N:M preset's options (default 2:4), checked with field names under `path`. */
export function nmGranularity(path: string, options: { readonly n?: number | undefined; readonly m?: number | undefined; readonly sparsity?: number | undefined }): { readonly granularity: NMGranularity; readonly sparsity: number } {
  const { n = 2, m = 4, sparsity } = options;
  if (n >= m) throw new RangeError(`${path}.n: must be < m = ${m} (got ${n})`);
  const derived = 1 - n / m;
  if (sparsity !== undefined && Math.abs(sparsity - derived) > 1e-9) throw new RangeError(`${path}.sparsity: must be 1 − n/m = ${derived} for ${n}:${m}, or left out (got ${sparsity})`);
  return { granularity: { kind: 'n:m', n, m }, sparsity: derived };
}
