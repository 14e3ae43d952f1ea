import { check } from '@topiary/core';
import type { LrScheduleConfig } from './config.js';

/**
 * The learning rate of a 0-based `epoch` out of `epochs`, starting from `base`:
 * constant → base; multistep → base · γ^(number of milestones ≤ epoch) (PyTorch MultiStepLR);
 * cosine → lr_f + (base − lr_f) · (1 + cos(π · epoch / epochs)) / 2 with lr_f = final · base
 * (Loshchilov & Hutter 2017, SGDR without restarts, stepped once per epoch).
 */
export function learningRateAt(schedule: LrScheduleConfig, base: number, epoch: number, epochs: number): number {
  check(Number.isFinite(base) && base > 0, 'learningRate', base, 'a positive finite number');
  check(Number.isInteger(epochs) && epochs > 0, 'epochs', epochs, 'a positive integer');
  check(Number.isInteger(epoch) && epoch >= 0 && epoch < epochs, 'epoch', epoch, `an integer in [0, ${epochs})`);
  switch (schedule.kind) {
    case 'constant':
      return base;
    case 'multistep': {
      const passed = schedule.milestones.filter((m) => m <= epoch).length;
      return base * schedule.gamma ** passed;
    }
    case 'cosine': {
      const final = schedule.final * base;
      return final + ((base - final) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
    }
    default: {
      const unknown: never = schedule;
      throw new RangeError(`lrSchedule.kind must be 'constant', 'multistep' or 'cosine', got ${JSON.stringify((unknown as { kind: unknown }).kind)}`);
    }
  }
}
