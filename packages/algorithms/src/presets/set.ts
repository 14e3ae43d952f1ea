import type { SparseStrategy } from '@topiary/core';
import { erdosRenyi } from '@topiary/distributions';
import { magnitudeDrop, setDrop } from '@topiary/drop';
import { randomGrow } from '@topiary/grow';
import { z } from 'zod';
import { fractionField } from '../config/schema.js';
import { closedObject } from '../config/suggest.js';
import { checkPresetOptions, defaultGrowInit, presetFields, updateOptionFields, dropFractionSchedule, presetUpdateSchedule, type DropScheduleKind, type PresetOptions, type UpdateOptions } from './common.js';

/** Options of {@link set}. */
export interface SetOptions extends PresetOptions, UpdateOptions {
  /** Fraction ζ of weights replaced at each update. @default 0.3 */
  dropFraction?: number;
  /** Decay of ζ. @default 'constant' */
  dropSchedule?: DropScheduleKind;
  /** `sign`: ζ of the positive and ζ of the negative weights closest to zero (the paper); `magnitude`: smallest |w|. @default 'sign' */
  dropRule?: 'sign' | 'magnitude';
}

const setOptionsSchema = closedObject({
  ...presetFields,
  ...updateOptionFields,
  dropFraction: fractionField.optional(),
  dropSchedule: z.enum(['cosine', 'constant', 'linear']).optional(),
  dropRule: z.enum(['sign', 'magnitude']).optional(),
});

/**
 * SET (Mocanu et al. 2018, "Scalable training of artificial neural networks with adaptive sparse
 * connectivity"): Erdős–Rényi initial topology; at each update remove the fraction ζ = 0.3 of the smallest
 * positive and of the largest negative weights, then add as many random connections (zero-initialised, as in
 * RigL's comparison). The paper updates after every epoch and until the end: pass `updateEvery` = steps per
 * epoch and keep `end` = 1.
 */
export function set(options: SetOptions): SparseStrategy {
  checkPresetOptions('set', setOptionsSchema, options);
  const schedule = presetUpdateSchedule('set', options.totalSteps, options, { end: 1 });
  const rule = options.dropRule ?? 'sign';
  return {
    name: 'set',
    sparsity: options.sparsity,
    distribution: options.distribution ?? erdosRenyi(),
    init: { kind: 'random' },
    update: {
      schedule,
      drop: rule === 'sign' ? setDrop() : magnitudeDrop(),
      grow: randomGrow(),
      growInit: defaultGrowInit(options),
      dropFraction: dropFractionSchedule('set', options.dropSchedule ?? 'constant', options.dropFraction ?? 0.3, schedule),
    },
  };
}
