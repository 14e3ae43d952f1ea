import type { DropCriterion, GrowCriterion, SparseStrategy } from '@topiary/core';
import { erdosRenyiKernel } from '@topiary/distributions';
import { magnitudeDrop } from '@topiary/drop';
import { gradientGrow } from '@topiary/grow';
import { z } from 'zod';
import { fractionField } from '../config/schema.js';
import { closedObject } from '../config/suggest.js';
import { checkPresetOptions, defaultGrowInit, dropOption, growOption, presetFields, updateOptionFields, dropFractionSchedule, presetUpdateSchedule, type DropScheduleKind, type PresetOptions, type UpdateOptions } from './common.js';

/** Options of {@link rigl}. */
export interface RiglOptions extends PresetOptions, UpdateOptions {
  /** Initial drop fraction α. @default 0.3 */
  dropFraction?: number;
  /** Decay of the drop fraction. @default 'cosine' */
  dropSchedule?: DropScheduleKind;
  /** Replaces the drop criterion (e.g. a user-defined one). @default magnitudeDrop() */
  drop?: DropCriterion;
  /** Replaces the grow criterion. @default gradientGrow() */
  grow?: GrowCriterion;
}

const riglOptionsSchema = closedObject({
  ...presetFields,
  ...updateOptionFields,
  dropFraction: fractionField.optional(),
  dropSchedule: z.enum(['cosine', 'constant', 'linear']).optional(),
  drop: dropOption.optional(),
  grow: growOption.optional(),
});

/**
 * RigL (Evci et al. 2020, "Rigging the Lottery"): every ΔT = 100 steps until T_end = 75% of training, drop the
 * fraction f(t) = α/2·(1 + cos(πt/T_end)), α = 0.3, of each layer's smallest-magnitude weights and grow as many
 * connections with the largest dense-gradient magnitude, new weights at zero; ERK distribution.
 */
export function rigl(options: RiglOptions): SparseStrategy {
  checkPresetOptions('rigl', riglOptionsSchema, options);
  const schedule = presetUpdateSchedule('rigl', options.totalSteps, options, { end: 0.75 });
  return {
    name: 'rigl',
    sparsity: options.sparsity,
    distribution: options.distribution ?? erdosRenyiKernel(),
    init: { kind: 'random' },
    update: {
      schedule,
      drop: options.drop ?? magnitudeDrop(),
      grow: options.grow ?? gradientGrow(),
      growInit: defaultGrowInit(options),
      dropFraction: dropFractionSchedule('rigl', options.dropSchedule ?? 'cosine', options.dropFraction ?? 0.3, schedule),
    },
  };
}
