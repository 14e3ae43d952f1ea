import type { SparseStrategy } from '@topiary/core';
import { momentumRedistribution, uniform } from '@topiary/distributions';
import { magnitudeDrop } from '@topiary/drop';
import { momentumGrow } from '@topiary/grow';
import { z } from 'zod';
import { fractionField, SNFS_DEFAULT_DROP_FRACTION, snfsFloorNotAboveDropFraction } from '../config/schema.js';
import { closedObject } from '../config/suggest.js';
import { checkPresetOptions, defaultGrowInit, presetFields, updateOptionFields, dropFractionSchedule, presetUpdateSchedule, type PresetOptions, type UpdateOptions } from './common.js';

/** Options of {@link snfs}. */
export interface SnfsOptions extends PresetOptions, UpdateOptions {
  /** Initial prune rate p. @default 0.5 */
  dropFraction?: number;
  /** Value the cosine-decayed prune rate ends at. @default 0.005 */
  dropFractionFloor?: number;
  /** Reallocate regrowth across layers by mean momentum. @default true */
  redistribute?: boolean;
}

const snfsOptionsSchema = closedObject({
  ...presetFields,
  ...updateOptionFields,
  dropFraction: fractionField.optional(),
  dropFractionFloor: fractionField.optional(),
  redistribute: z.boolean().optional(),
}).superRefine(snfsFloorNotAboveDropFraction);

/**
 * Sparse momentum, SNFS (Dettmers & Zettlemoyer 2019, "Sparse Networks from Scratch: Faster Training without
 * Losing Performance"): at each update prune the fraction p (0.5, cosine-decayed to 0.005) of the
 * smallest-magnitude weights, redistribute the regrowth across layers in proportion to each layer's mean
 * |momentum|, and grow the inactive weights with the largest |momentum| of the dense gradient. The paper
 * updates once per epoch until the end: pass `updateEvery` = steps per epoch.
 */
export function snfs(options: SnfsOptions): SparseStrategy {
  checkPresetOptions('snfs', snfsOptionsSchema, options);
  const schedule = presetUpdateSchedule('snfs', options.totalSteps, options, { end: 1 });
  const floor = options.dropFractionFloor ?? 0.005;
  const redistribute = options.redistribute ?? true;
  return {
    name: 'snfs',
    sparsity: options.sparsity,
    distribution: options.distribution ?? uniform(),
    init: { kind: 'random' },
    update: {
      schedule,
      drop: magnitudeDrop(),
      grow: momentumGrow(),
      growInit: defaultGrowInit(options),
      dropFraction: dropFractionSchedule('snfs', 'cosine', options.dropFraction ?? SNFS_DEFAULT_DROP_FRACTION, schedule, floor),
      ...(redistribute ? { redistribution: momentumRedistribution() } : {}),
    },
  };
}
