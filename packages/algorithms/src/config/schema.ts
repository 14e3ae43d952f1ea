import { z } from 'zod';
import { closedObject } from './suggest.js';

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
const layerNames = z.array(z.string().min(1)).describe('Layer names kept fully dense (their weights count as nonzeros).');

/** A distribution in JSON. */
export const distributionConfigSchema = z
  .discriminatedUnion('kind', [
    closedObject({ kind: z.literal('uniform'), denseFirstLayer: z.boolean().optional(), dense: layerNames.optional() }),
    closedObject({ kind: z.literal('er'), dense: layerNames.optional() }),
    closedObject({ kind: z.literal('erk'), powerScale: z.number().positive('must be > 0').optional(), dense: layerNames.optional() }),
    closedObject({ kind: z.literal('custom'), densities: z.record(z.string(), fractionField), default: fractionField.optional(), dense: layerNames.optional() }),
  ])
  .describe('Layer-wise allocation of the nonzero budget.');

/** A grown-weight initialiser in JSON. */
export const growInitConfigSchema = z
  .discriminatedUnion('kind', [
    closedObject({ kind: z.literal('zeros') }),
    closedObject({ kind: z.literal('constant'), value: z.number() }),
    closedObject({ kind: z.literal('normal'), std: z.number().min(0, 'must be ≥ 0') }),
    closedObject({ kind: z.literal('uniform'), limit: z.number().min(0, 'must be ≥ 0') }),
    closedObject({ kind: z.literal('kaiming-normal') }),
    closedObject({ kind: z.literal('kaiming-uniform') }),
  ])
  .describe('Starting values of grown weights.');

/** Options of the built-in drop criteria by kind (user kinds from a registry are checked by their factory). */
export const builtinDropOptions = {
  magnitude: { tieBreakNoise: z.number().min(0, 'must be ≥ 0').optional() },
  random: {},
  saliency: {},
  set: {},
} as const satisfies Record<string, z.core.$ZodLooseShape>;
/** Options of the built-in grow criteria by kind. */
export const builtinGrowOptions = { random: {}, gradient: {}, momentum: {} } as const satisfies Record<string, z.core.$ZodLooseShape>;
/** Options of the built-in redistribution rules by kind. */
export const builtinRedistributionOptions = { momentum: {} } as const satisfies Record<string, z.core.$ZodLooseShape>;

/**
 * A component reference (`{ kind, ...options }`): a built-in kind gets its options checked (unknown keys refused,
 * with the nearest valid one suggested); other kinds pass to the registry, whose factory checks them.
 */
function componentSchema(builtins: Record<string, z.core.$ZodLooseShape>) {
  return z
    .object({ kind: z.string().min(1) })
    .catchall(z.unknown())
    .superRefine((value, ctx) => {
      const shape = Object.hasOwn(builtins, value.kind) ? builtins[value.kind] : undefined;
      if (shape === undefined) return;
      const result = closedObject({ kind: z.string(), ...shape }).safeParse(value, { reportInput: true });
      if (result.success) return;
      for (const issue of result.error.issues) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: issue.code === 'unrecognized_keys' ? undefined : (issue as { input?: unknown }).input });
      }
    });
}

/** A reference to a criterion or redistribution by kind, with its options; user kinds come from a registry. */
export const componentConfigSchema = z.object({ kind: z.string().min(1) }).catchall(z.unknown());
/** A drop criterion by kind with its options. */
export const dropComponentConfigSchema = componentSchema(builtinDropOptions);
/** A grow criterion by kind with its options. */
export const growComponentConfigSchema = componentSchema(builtinGrowOptions);
/** A redistribution rule by kind with its options. */
export const redistributionComponentConfigSchema = componentSchema(builtinRedistributionOptions);

function floorNotAboveInitial(value: { initial: number; floor?: number | undefined }, ctx: z.core.$RefinementCtx): void {
  if (value.floor !== undefined && value.floor > value.initial) {
    ctx.addIssue({ code: 'custom', path: ['floor'], message: `must be ≤ initial (${value.initial})`, input: value.floor });
  }
}

/** A schedule of the drop fraction in JSON: every value in [0, 1]. */
export const dropFractionScheduleConfigSchema = z.discriminatedUnion('kind', [
  closedObject({ kind: z.literal('constant'), value: fractionField }),
  closedObject({ kind: z.literal('cosine'), initial: fractionField, floor: fractionField.optional() }).superRefine(floorNotAboveInitial),
  closedObject({ kind: z.literal('linear'), initial: fractionField }),
  closedObject({ kind: z.literal('inverse-power'), initial: fractionField, power: z.number().positive('must be > 0') }),
  closedObject({ kind: z.literal('polynomial'), initial: fractionField.optional(), final: fractionField, power: z.number().positive('must be > 0').optional() }),
]);

/** A schedule of the target sparsity in JSON: every value in [0, 1); a polynomial never decreases. */
export const targetSparsityScheduleConfigSchema = z.discriminatedUnion('kind', [
  closedObject({ kind: z.literal('constant'), value: sparsityField }),
  closedObject({ kind: z.literal('cosine'), initial: sparsityField, floor: sparsityField.optional() }).superRefine(floorNotAboveInitial),
  closedObject({ kind: z.literal('linear'), initial: sparsityField }),
  closedObject({ kind: z.literal('inverse-power'), initial: sparsityField, power: z.number().positive('must be > 0') }),
  closedObject({ kind: z.literal('polynomial'), initial: sparsityField.optional(), final: sparsityField.optional(), power: z.number().positive('must be > 0').optional() }),
]);

/** A schedule of the step in JSON (the drop-fraction form; kept for existing imports). */
export const scheduleConfigSchema = dropFractionScheduleConfigSchema;

const updateFields = {
  updateEvery: positiveIntField.optional().describe('Steps between mask updates (ΔT).'),
  begin: stepField.optional().describe('First step at which masks may change.'),
  end: endFractionField.optional().describe('Fraction of training after which masks stop changing (T_end); 1 = until the end.'),
  growInit: growInitConfigSchema.optional(),
};
const dropScheduleKind = z.enum(['cosine', 'constant', 'linear']);

/** RigL in JSON. */
export const riglConfigSchema = closedObject({
  method: z.literal('rigl'),
  sparsity: sparsityField,
  distribution: distributionConfigSchema.optional(),
  ...updateFields,
  dropFraction: fractionField.optional().describe('Initial drop fraction α.'),
  dropSchedule: dropScheduleKind.optional(),
  drop: dropComponentConfigSchema.optional(),
  grow: growComponentConfigSchema.optional(),
});

/** SET in JSON. */
export const setConfigSchema = closedObject({
  method: z.literal('set'),
  sparsity: sparsityField,
  distribution: distributionConfigSchema.optional(),
  ...updateFields,
  dropFraction: fractionField.optional().describe('Fraction ζ replaced at each update.'),
  dropSchedule: dropScheduleKind.optional(),
  dropRule: z.enum(['sign', 'magnitude']).optional(),
});

/** SNFS's default initial prune rate p. */
export const SNFS_DEFAULT_DROP_FRACTION = 0.5;

/** SNFS's prune-rate floor must not exceed its initial prune rate (JSON configs and the `snfs` preset). */
export function snfsFloorNotAboveDropFraction(config: { dropFraction?: number | undefined; dropFractionFloor?: number | undefined }, ctx: z.core.$RefinementCtx): void {
  const initial = config.dropFraction ?? SNFS_DEFAULT_DROP_FRACTION;
  if (config.dropFractionFloor !== undefined && config.dropFractionFloor > initial) {
    ctx.addIssue({ code: 'custom', path: ['dropFractionFloor'], message: `must be ≤ dropFraction (${initial})`, input: config.dropFractionFloor });
  }
}

/** SNFS in JSON. */
export const snfsConfigSchema = closedObject({
  method: z.literal('snfs'),
  sparsity: sparsityField,
  distribution: distributionConfigSchema.optional(),
  ...updateFields,
  dropFraction: fractionField.optional().describe('Initial prune rate p.'),
  dropFractionFloor: fractionField.optional().describe('Value the cosine-decayed prune rate ends at; at most dropFraction.'),
  redistribute: z.boolean().optional(),
}).superRefine(snfsFloorNotAboveDropFraction);

/** Static sparse training in JSON. */
export const staticConfigSchema = closedObject({ method: z.literal('static'), sparsity: sparsityField, distribution: distributionConfigSchema.optional() });

/** SNIP in JSON. */
export const snipConfigSchema = closedObject({ method: z.literal('snip'), sparsity: sparsityField, distribution: distributionConfigSchema.optional(), scope: z.enum(['global', 'layer']).optional() });

/** Pruning's start sparsity must not exceed the final one, and it must end after it begins (JSON and the preset). */
export function pruningFieldsOrdered(
  config: { sparsity: number; initialSparsity?: number | undefined; begin?: number | undefined; end?: number | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  if (config.initialSparsity !== undefined && config.initialSparsity > config.sparsity) {
    ctx.addIssue({ code: 'custom', path: ['initialSparsity'], message: `must be ≤ sparsity (${config.sparsity})`, input: config.initialSparsity });
  }
  const begin = config.begin ?? 0;
  const end = config.end ?? 0.75;
  if (end <= begin) {
    const field = config.end !== undefined ? 'end' : 'begin';
    ctx.addIssue({ code: 'custom', path: [field], message: `must leave end > begin (begin ${begin}, end ${end}, fractions of totalSteps)`, input: field === 'end' ? end : begin });
  }
}

/** Gradual magnitude pruning in JSON. */
export const pruningConfigSchema = closedObject({
  method: z.literal('pruning'),
  sparsity: sparsityField,
  distribution: distributionConfigSchema.optional(),
  updateEvery: positiveIntField.optional(),
  begin: z.number().min(0, 'must be ≥ 0').lt(1, 'must be < 1 (a fraction of totalSteps)').optional().describe('Fraction of training at which pruning starts.'),
  end: endFractionField.optional().describe('Fraction of training at which the final sparsity is reached.'),
  initialSparsity: sparsityField.optional().describe('Sparsity at the start; at most `sparsity`.'),
}).superRefine(pruningFieldsOrdered);

/** Dense training in JSON. */
export const denseConfigSchema = closedObject({ method: z.literal('dense'), sparsity: z.literal(0, 'must be 0 for dense training').optional() });

const updateConfigSchema = closedObject({
  updateEvery: positiveIntField.optional(),
  begin: stepField.optional(),
  end: endFractionField.optional(),
  drop: dropComponentConfigSchema,
  grow: growComponentConfigSchema.optional(),
  growInit: growInitConfigSchema.optional(),
  dropFraction: dropFractionScheduleConfigSchema.optional().describe('Drop-and-grow: the fraction of active weights replaced at each update. Excludes targetSparsity.'),
  targetSparsity: targetSparsityScheduleConfigSchema.optional().describe('Pruning: the sparsity reached at each update. Excludes dropFraction.'),
  redistribution: redistributionComponentConfigSchema.optional().describe('Reallocates regrowth across layers; needs grow.'),
}).superRefine((update, ctx) => {
  if (update.dropFraction === undefined && update.targetSparsity === undefined) {
    ctx.addIssue({ code: 'custom', path: ['dropFraction'], message: 'an update needs dropFraction (drop-and-grow) or targetSparsity (pruning)', input: undefined });
  }
  if (update.dropFraction !== undefined && update.targetSparsity !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['targetSparsity'],
      message: `contradicts dropFraction ${JSON.stringify(update.dropFraction)}: give dropFraction (drop-and-grow) or targetSparsity (pruning), not both`,
      input: update.targetSparsity,
    });
  }
  if (update.redistribution !== undefined && update.grow === undefined) {
    ctx.addIssue({ code: 'custom', path: ['redistribution'], message: 'needs a grow criterion (update.grow): redistribution reallocates regrowth, and without growth sparsity would drift', input: update.redistribution });
  }
});

/** A hand-composed strategy in JSON. */
export const customConfigSchema = closedObject({
  method: z.literal('custom'),
  name: z.string().min(1).optional(),
  sparsity: sparsityField,
  distribution: distributionConfigSchema.optional(),
  init: z
    .discriminatedUnion('kind', [
      closedObject({ kind: z.literal('random') }),
      closedObject({ kind: z.literal('dense') }),
      closedObject({ kind: z.literal('scored'), criterion: dropComponentConfigSchema, scope: z.enum(['global', 'layer']).optional() }),
    ])
    .optional(),
  update: updateConfigSchema.optional(),
}).superRefine((config, ctx) => {
  const target = config.update?.targetSparsity;
  if (target?.kind === 'polynomial') {
    const initial = target.initial ?? 0;
    const final = target.final ?? config.sparsity;
    if (initial > final) {
      ctx.addIssue({ code: 'custom', path: ['update', 'targetSparsity', 'initial'], message: `must be ≤ the final sparsity (${final})`, input: initial });
    }
  }
});

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
/** A drop-fraction schedule written as JSON. */
export type ScheduleConfig = z.infer<typeof dropFractionScheduleConfigSchema>;
/** A target-sparsity schedule written as JSON. */
export type TargetSparsityScheduleConfig = z.infer<typeof targetSparsityScheduleConfigSchema>;
/** A criterion or redistribution reference written as JSON. */
export type ComponentConfig = z.infer<typeof componentConfigSchema>;

/** The methods a config may name. */
export const methods = ['rigl', 'set', 'snfs', 'static', 'snip', 'pruning', 'dense', 'custom'] as const;
