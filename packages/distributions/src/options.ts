import { check } from '@topiary/core';

/** Options every distribution accepts. */
export interface DistributionCommonOptions {
  /**
   * Layers kept fully dense, by owning layer name (`layerName`) or kernel name (`name`). Their weights count
   * as nonzeros of the overall budget, so the other layers become sparser to keep the overall sparsity at S.
   * @default []
   */
  dense?: readonly string[];
}

/** Checks that `options` is undefined or a plain object whose keys are all in `allowed`. */
export function checkOptionKeys(options: unknown, allowed: readonly string[], field: string): void {
  if (options === undefined) return;
  check(
    typeof options === 'object' && options !== null && !Array.isArray(options),
    field,
    options,
    `an options object with the keys ${allowed.map((k) => JSON.stringify(k)).join(', ')}`,
  );
  const unknown = Object.keys(options as object).filter((key) => !allowed.includes(key));
  check(
    unknown.length === 0,
    field,
    unknown,
    `an options object with only the keys ${allowed.map((k) => JSON.stringify(k)).join(', ')} (unknown keys found)`,
  );
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
