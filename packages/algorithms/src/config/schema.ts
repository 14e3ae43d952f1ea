import { z } from 'zod';

const sparsity = z.number().min(0).max(1).refine((v) => v < 1, { message: 'must be in [0, 1)' }).describe('Overall sparsity of the masked layers, in [0, 1).');
const fraction = z.number().min(0).max(1);
const positiveInt = z.number().int().positive();
const layerNames = z.array(z.string().min(1)).describe('Layer names kept fully dense (their weights count as nonzeros).');

/** A distribution in JSON. */
export const distributionConfigSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('uniform'), denseFirstLayer: z.boolean().optional(), dense: layerNames.optional() }).strict(),
    z.object({ kind: z.literal('er'), dense: layerNames.optional() }).strict(),
    z.object({ kind: z.literal('erk'), powerScale: z.number().positive().optional(), dense: layerNames.optional() }).strict(),
    z.object({ kind: z.literal('custom'), densities: z.record(z.string(), fraction), default: fraction.optional(), dense: layerNames.optional() }).strict(),
  ])
  .describe('Layer-wise allocation of the nonzero budget.');

/** A grown-weight initialiser in JSON. */
export const growInitConfigSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('zeros') }).strict(),
    z.object({ kind: z.literal('constant'), value: z.number() }).strict(),
    z.object({ kind: z.literal('normal'), std: z.number().min(0) }).strict(),
    z.object({ kind: z.literal('uniform'), limit: z.number().min(0) }).strict(),
    z.object({ kind: z.literal('kaiming-normal') }).strict(),
    z.object({ kind: z.literal('kaiming-uniform') }).strict(),
  ])
  .describe('Starting values of grown weights.');

/** A reference to a criterion or redistribution by kind, with its options; user kinds come from a registry. */
export const componentConfigSchema = z.object({ kind: z.string().min(1) }).catchall(z.unknown());

/** A schedule of the step in JSON. */
export const scheduleConfigSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), value: z.number() }).strict(),
  z.object({ kind: z.literal('cosine'), initial: z.number(), floor: z.number().optional() }).strict(),
  z.object({ kind: z.literal('linear'), initial: z.number() }).strict(),
  z.object({ kind: z.literal('inverse-power'), initial: z.number(), power: z.number().positive() }).strict(),
  z.object({ kind: z.literal('polynomial'), initial: fraction.optional(), final: fraction, power: z.number().positive().optional() }).strict(),
]);

const updateFields = {
  updateEvery: positiveInt.optional().describe('Steps between mask updates (ΔT).'),
  begin: z.number().int().min(0).optional().describe('First step at which masks may change.'),
  end: z.number().gt(0).max(1).optional().describe('Fraction of training after which masks stop changing (T_end); 1 = until the end.'),
  growInit: growInitConfigSchema.optional(),
};
const dropScheduleKind = z.enum(['cosine', 'constant', 'linear']);

/** RigL in JSON. */
export const riglConfigSchema = z
  .object({
    method: z.literal('rigl'),
    sparsity,
    distribution: distributionConfigSchema.optional(),
    ...updateFields,
    dropFraction: fraction.optional().describe('Initial drop fraction α.'),
    dropSchedule: dropScheduleKind.optional(),
    drop: componentConfigSchema.optional(),
    grow: componentConfigSchema.optional(),
  })
  .strict();

/** SET in JSON. */
export const setConfigSchema = z
  .object({
    method: z.literal('set'),
    sparsity,
    distribution: distributionConfigSchema.optional(),
    ...updateFields,
    dropFraction: fraction.optional().describe('Fraction ζ replaced at each update.'),
    dropSchedule: dropScheduleKind.optional(),
    dropRule: z.enum(['sign', 'magnitude']).optional(),
  })
  .strict();

/** SNFS in JSON. */
export const snfsConfigSchema = z
  .object({
    method: z.literal('snfs'),
    sparsity,
    distribution: distributionConfigSchema.optional(),
    ...updateFields,
    dropFraction: fraction.optional().describe('Initial prune rate p.'),
    dropFractionFloor: fraction.optional(),
    redistribute: z.boolean().optional(),
  })
  .strict();

/** Static sparse training in JSON. */
export const staticConfigSchema = z.object({ method: z.literal('static'), sparsity, distribution: distributionConfigSchema.optional() }).strict();

/** SNIP in JSON. */
export const snipConfigSchema = z
  .object({ method: z.literal('snip'), sparsity, distribution: distributionConfigSchema.optional(), scope: z.enum(['global', 'layer']).optional() })
  .strict();

/** Gradual magnitude pruning in JSON. */
export const pruningConfigSchema = z
  .object({
    method: z.literal('pruning'),
    sparsity,
    distribution: distributionConfigSchema.optional(),
    updateEvery: positiveInt.optional(),
    begin: z.number().min(0).lt(1).optional().describe('Fraction of training at which pruning starts.'),
    end: z.number().gt(0).max(1).optional().describe('Fraction of training at which the final sparsity is reached.'),
    initialSparsity: fraction.optional(),
  })
  .strict();

/** Dense training in JSON. */
export const denseConfigSchema = z.object({ method: z.literal('dense'), sparsity: z.literal(0).optional() }).strict();

/** A hand-composed strategy in JSON. */
export const customConfigSchema = z
  .object({
    method: z.literal('custom'),
    name: z.string().min(1).optional(),
    sparsity,
    distribution: distributionConfigSchema.optional(),
    init: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('random') }).strict(),
        z.object({ kind: z.literal('dense') }).strict(),
        z.object({ kind: z.literal('scored'), criterion: componentConfigSchema, scope: z.enum(['global', 'layer']).optional() }).strict(),
      ])
      .optional(),
    update: z
      .object({
        updateEvery: positiveInt.optional(),
        begin: z.number().int().min(0).optional(),
        end: z.number().gt(0).max(1).optional(),
        drop: componentConfigSchema,
        grow: componentConfigSchema.optional(),
        growInit: growInitConfigSchema.optional(),
        dropFraction: scheduleConfigSchema.optional(),
        targetSparsity: scheduleConfigSchema.optional(),
        redistribution: componentConfigSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Any strategy in JSON: a discriminated union on `method`. */
export const strategyConfigSchema = z
  .discriminatedUnion('method', [riglConfigSchema, setConfigSchema, snfsConfigSchema, staticConfigSchema, snipConfigSchema, pruningConfigSchema, denseConfigSchema, customConfigSchema])
  .describe('A Topiary sparse-training strategy.');

/** A strategy written as JSON. */
export type StrategyConfig = z.infer<typeof strategyConfigSchema>;
/** A distribution written as JSON. */
export type DistributionConfig = z.infer<typeof distributionConfigSchema>;
/** A grown-weight initialiser written as JSON. */
export type GrowInitConfig = z.infer<typeof growInitConfigSchema>;
/** A schedule written as JSON. */
export type ScheduleConfig = z.infer<typeof scheduleConfigSchema>;
/** A criterion or redistribution reference written as JSON. */
export type ComponentConfig = z.infer<typeof componentConfigSchema>;

/** The methods a config may name. */
export const methods = ['rigl', 'set', 'snfs', 'static', 'snip', 'pruning', 'dense', 'custom'] as const;
