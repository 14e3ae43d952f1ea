import { componentOption } from '@topiary/core';
import { z } from 'zod';

/** Overall sparsity of the masked layers, in [0, 1). */
export const sparsityField = z.number().min(0, 'must be ≥ 0').lt(1, 'must be < 1').describe('Overall sparsity of the masked layers, in [0, 1).');
/** A fraction in [0, 1]. */
export const fractionField = z.number().min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');
/** A positive integer. */
export const positiveIntField = z.number().int('must be an integer').positive('must be > 0');
/** A step number ≥ 0. */
export const stepField = z.number().int('must be an integer step').min(0, 'must be ≥ 0');
/** A fraction of training in (0, 1] (T_end). */
export const endFractionField = z.number().gt(0, 'must be > 0 (a fraction of totalSteps in (0, 1])').max(1, 'must be ≤ 1 (a fraction of totalSteps in (0, 1])');
/** Whether mask updates rank each layer on its own or all masked layers together (core's `MaskUpdatePolicy.scope`). */
export const updateScopeField = z.enum(['layer', 'global']);

/** Drop-fraction schedule shapes a preset may use. */
export const dropScheduleField = z.enum(['cosine', 'constant', 'linear']);

/**
 * Options every preset takes. `totalSteps` (and `stepsPerEpoch`, where a preset declares it) come from the run
 * when a preset is written as JSON; the other fields are the same in TypeScript and JSON, component options
 * being built objects in TypeScript and `{ "kind": … }` in JSON.
 */
export const presetFields = {
  sparsity: sparsityField,
  totalSteps: positiveIntField.describe('Optimizer steps the whole run takes; fractions such as T_end are taken of it.'),
  distribution: componentOption('distribution').optional().describe('Layer-wise allocation of the nonzero budget. Default: depends on the preset.'),
};

/** Options of presets that move masks during training. */
export const updateOptionFields = {
  updateEvery: positiveIntField.optional().describe('Steps between mask updates (ΔT). Default 100.'),
  begin: stepField.optional().describe('First step at which masks may change. Default 0.'),
  end: endFractionField.optional().describe('Fraction of totalSteps after which masks stop changing (T_end); 1 = until the end.'),
  growInit: componentOption('growInit').optional().describe('Starting values of grown weights. Default zeros.'),
};

/** Steps per epoch, for presets that update once per epoch by default (SET, SNFS). */
export const stepsPerEpochField = positiveIntField.optional().describe('Steps per epoch; when given (JSON configs always give it), masks update once per epoch unless updateEvery says otherwise.');

/** The option names that the run provides when a preset is written as JSON. */
export const RUN_CONTEXT_FIELDS = ['totalSteps', 'stepsPerEpoch'] as const;
