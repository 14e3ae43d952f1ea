import { check, checkPositiveInteger } from '@topiary/core';

/**
 * Checks a layer's shape: `inputs` and `outputs` positive integers. `dense` (a kernel given or returned as a dense
 * array): their product must index a typed array (≤ 2³¹ − 1); otherwise only each of them must (the CSR arrays
 * index rows and columns, never positions), and the product must stay an exact integer (≤ 2⁵³) for flat positions.
 */
export function checkKernelShape(inputs: number, outputs: number, where: string, dense = true): void {
  checkPositiveInteger(inputs, `${where}: inputs`);
  checkPositiveInteger(outputs, `${where}: outputs`);
  if (dense) check(inputs * outputs <= 2 ** 31 - 1, `${where}: inputs · outputs`, inputs * outputs, `at most 2³¹ − 1 (inputs ${inputs}, outputs ${outputs}) for a dense array`);
  else {
    check(inputs <= 2 ** 31 - 2 && outputs <= 2 ** 31 - 1, `${where}: inputs, outputs`, [inputs, outputs], 'each at most 2³¹ − 2');
    check(Number.isSafeInteger(inputs * outputs), `${where}: inputs · outputs`, inputs * outputs, 'at most 2⁵³ − 1');
  }
}
