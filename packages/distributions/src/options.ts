import { check } from '@topiary/core';

export { checkOptionKeys } from '@topiary/core';

/** Options every distribution accepts. */
export interface DistributionCommonOptions {
  /**
   * Layers kept fully dense, by owning layer name (`layerName`) or kernel name (`name`). Their weights count
   * as nonzeros of the overall budget, so the other layers become sparser to keep the overall sparsity at S.
   * @default []
   */
  dense?: readonly string[];
}

/** Checks and copies the `dense` option: a list of non-empty layer names. */
export function resolveDenseOption(dense: readonly string[] | undefined, field: string): readonly string[] {
  if (dense === undefined) return [];
  check(Array.isArray(dense), field, dense, 'a list of layer names');
  dense.forEach((name, i) => {
    check(typeof name === 'string' && name.length > 0, `${field}[${i}]`, name, 'a non-empty layer name');
  });
  return Object.freeze([...dense]);
}
