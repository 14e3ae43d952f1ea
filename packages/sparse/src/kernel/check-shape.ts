import { check, checkPositiveInteger } from '@topiary/core';

/** Checks a layer's shape: `inputs` and `outputs` positive integers whose product indexes a typed array. */
export function checkKernelShape(inputs: number, outputs: number, where: string): void {
  checkPositiveInteger(inputs, `${where}: inputs`);
  checkPositiveInteger(outputs, `${where}: outputs`);
  check(inputs * outputs <= 2 ** 31 - 1, `${where}: inputs · outputs`, inputs * outputs, `at most 2³¹ − 1 (inputs ${inputs}, outputs ${outputs})`);
}
