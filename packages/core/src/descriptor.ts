import { z } from 'zod';
import { issueLines } from './zod-issues.js';
import type { Distribution, DropCriterion, GrowCriterion, GrowInitializer, Redistribution, Schedule, SparseStrategy } from './types.js';

/** What a component of each family builds. */
export interface ComponentProducts {
  /** Drop criteria (`@topiary/drop`). */
  readonly drop: DropCriterion;
  /** Grow criteria (`@topiary/grow`). */
  readonly grow: GrowCriterion;
  /** Grown-weight initialisers (`@topiary/grow`). */
  readonly growInit: GrowInitializer;
  /** Layer-wise distributions (`@topiary/distributions`). */
  readonly distribution: Distribution;
  /** Regrowth redistribution rules (`@topiary/distributions`). */
  readonly redistribution: Redistribution;
  /** Schedules of a value over the steps (this package). */
  readonly schedule: Schedule;
  /** Whole strategies (`@topiary/algorithms`); a preset's kind is the `method` of a JSON config. */
  readonly preset: SparseStrategy;
}

/** A family of components: `drop`, `grow`, `growInit`, `distribution`, `redistribution`, `schedule` or `preset`. */
export type ComponentFamily = keyof ComponentProducts;

/** Every family, in the order listings show them. */
export const componentFamilies: readonly ComponentFamily[] = Object.freeze(['drop', 'grow', 'growInit', 'distribution', 'redistribution', 'schedule', 'preset']);

/** The steps a schedule spans unless its options say otherwise: it starts decaying at `begin` and has decayed at `end`. */
export interface ScheduleWindow {
  /** First step of the decay. */
  readonly begin: number;
  /** Step at which the final value is reached. */
  readonly end: number;
  /** The value a schedule without its own `final` ends at (a pruning schedule's final sparsity). */
  readonly final?: number;
}

/** What a factory of each family receives beside its options. */
export interface ComponentContexts {
  /** Nothing. */
  readonly drop: undefined;
  /** Nothing. */
  readonly grow: undefined;
  /** Nothing. */
  readonly growInit: undefined;
  /** Nothing. */
  readonly distribution: undefined;
  /** Nothing. */
  readonly redistribution: undefined;
  /** The window of steps the schedule spans by default. */
  readonly schedule: ScheduleWindow;
  /** Where the preset's options sit, for its error messages (`algorithm` in a run config); the factory's name when absent. */
  readonly preset: PresetContext | undefined;
}

/** What a preset's factory receives beside its options. */
export interface PresetContext {
  /** The path its error messages start with. */
  readonly path: string;
}

/**
 * One component, described once: its family, its kind (the name JSON configs use), a one-line doc, the zod
 * schema of its options and its factory. Registries, JSON unions, JSON Schema and listings are derived from
 * descriptors; the component's TypeScript factory validates with the same schema, so an option exists once.
 */
export interface ComponentDescriptor<F extends ComponentFamily = ComponentFamily, S extends z.ZodObject = z.ZodObject> {
  /** The family the component belongs to. */
  readonly family: F;
  /** Its name in JSON configs (`{ "kind": "magnitude" }`, or `"method"` for presets). */
  readonly kind: string;
  /** One line for listings and the JSON Schema. */
  readonly doc: string;
  /** The options beside `kind`, as a zod object; unknown keys should be refused (see `closedObject`). */
  readonly options: S;
  /** Options that build a representative instance, for generic tests and listings. @default {} */
  readonly example?: z.input<S>;
  /** Builds the component from options that passed `options`. */
  create(options: z.output<S>, context: ComponentContexts[F]): ComponentProducts[F];
}

/** A descriptor of any family with any options, as listings and registries hold them. */
export type AnyComponentDescriptor = { [F in ComponentFamily]: ComponentDescriptor<F> }[ComponentFamily];

const KIND_PATTERN = /^[a-z][a-z0-9]*(?:[-:.][a-z0-9]+)*$/;

/**
 * Checks a descriptor and freezes it: a known family, a kind of lower-case words joined by `-`, `:` or `.`
 * (`magnitude`, `kaiming-normal`, `my-lab:taylor`), a one-line doc and a zod object of options.
 */
export function defineComponent<F extends ComponentFamily, S extends z.ZodObject, K extends string>(descriptor: ComponentDescriptor<F, S> & { readonly kind: K }): ComponentDescriptor<F, S> & { readonly kind: K } {
  const where = `component ${JSON.stringify(descriptor?.kind)}`;
  if (!componentFamilies.includes(descriptor?.family)) throw new RangeError(`${where}: family must be one of ${componentFamilies.join(', ')}, got ${JSON.stringify(descriptor?.family)}`);
  if (typeof descriptor.kind !== 'string' || !KIND_PATTERN.test(descriptor.kind)) {
    throw new RangeError(`${where}: kind must be lower-case words joined by '-', ':' or '.' (e.g. "magnitude", "my-lab:taylor"), got ${JSON.stringify(descriptor.kind)}`);
  }
  if (typeof descriptor.doc !== 'string' || descriptor.doc.trim() === '' || descriptor.doc.includes('\n')) throw new RangeError(`${where}: doc must be one non-empty line, got ${JSON.stringify(descriptor.doc)}`);
  if (!(descriptor.options instanceof z.ZodObject)) throw new RangeError(`${where}: options must be a zod object schema (z.object or closedObject), got ${typeof descriptor.options}`);
  if (typeof descriptor.create !== 'function') throw new RangeError(`${where}: create must be a function, got ${typeof descriptor.create}`);
  if ('kind' in descriptor.options.shape) throw new RangeError(`${where}: options must not declare 'kind' (it is the descriptor's own)`);
  if (descriptor.example !== undefined) {
    const example = descriptor.options.safeParse(descriptor.example, { reportInput: true });
    if (!example.success) throw new RangeError(`${where}: example must pass the options schema:\n${issueLines(example.error, 'example').join('\n')}`);
  }
  return Object.freeze({ ...descriptor });
}

/** Where {@link createComponent} reports problems and what context it passes. */
export interface CreateComponentAt<F extends ComponentFamily> {
  /** Path that error messages start with. @default the descriptor's kind */
  readonly path?: string;
  /** The family's context (a schedule's window). */
  readonly context?: ComponentContexts[F];
}

/**
 * Validates options with the descriptor's schema and builds the component. Invalid options throw one RangeError
 * with a line per problem, each naming the field under `at.path`, the refused value and what is allowed; nothing
 * is built then.
 */
export function createComponent<F extends ComponentFamily, S extends z.ZodObject>(descriptor: ComponentDescriptor<F, S>, options: z.input<S> | undefined, at: CreateComponentAt<F> = {}): ComponentProducts[F] {
  const path = at.path ?? descriptor.kind;
  const result = descriptor.options.safeParse(options ?? {}, { reportInput: true });
  if (!result.success) throw new RangeError(issueLines(result.error, path).join('\n'));
  return descriptor.create(result.data as z.output<S>, at.context as ComponentContexts[F]);
}

/** Builds a descriptor's representative instance from its `example` options (for generic tests over a package's list). */
export function createExample<F extends ComponentFamily>(descriptor: ComponentDescriptor<F> | AnyComponentDescriptor, context?: ComponentContexts[F]): ComponentProducts[F] {
  const d = descriptor as ComponentDescriptor<F>;
  return createComponent(d, d.example, context !== undefined ? { context } : {});
}

/** The method every product of a family has, by which an option tells a built component from other values. */
const PRODUCT_METHOD: { readonly [F in ComponentFamily]: string } = {
  drop: 'score',
  grow: 'score',
  growInit: 'values',
  distribution: 'densities',
  redistribution: 'allocate',
  schedule: 'valueAt',
  preset: 'name',
};

const EXAMPLE: { readonly [F in ComponentFamily]: string } = {
  drop: 'magnitudeDrop()',
  grow: 'gradientGrow()',
  growInit: 'zerosInit()',
  distribution: 'erdosRenyiKernel()',
  redistribution: 'momentumRedistribution()',
  schedule: 'cosineSchedule({ initial: 0.3, end: 1000 })',
  preset: 'rigl({ sparsity: 0.9, totalSteps: 1000 })',
};

/** The family of each component option, keyed by its validation function (shared by the option's clones, e.g. after `.describe()`). */
const optionFamilies = new WeakMap<object, ComponentFamily>();

/**
 * A preset option that holds a built component of `family` (e.g. `drop: componentOption('drop').optional()`).
 * In TypeScript it takes the component object; in JSON the same option is written `{ "kind": …, …options }` and
 * built from the registry's descriptor of that kind before the preset sees it.
 */
export function componentOption<F extends ComponentFamily>(family: F): z.ZodType<ComponentProducts[F]> {
  const method = PRODUCT_METHOD[family];
  const isProduct = (value: unknown): boolean => {
    if (value === null || typeof value !== 'object') return false;
    const member = (value as Record<string, unknown>)[method];
    return family === 'preset' ? typeof member === 'string' : typeof member === 'function';
  };
  optionFamilies.set(isProduct, family);
  return z.custom<ComponentProducts[F]>(isProduct, { message: `must be a ${family} component (an object with ${method}${family === 'preset' ? '' : '()'}, e.g. ${EXAMPLE[family]})` });
}

/** The family a schema made by {@link componentOption} holds (also through `.describe()`), else undefined. */
export function componentOptionFamily(schema: z.ZodType): ComponentFamily | undefined {
  if (!(schema instanceof z.ZodCustom)) return undefined;
  const fn = (schema.def as { fn?: unknown }).fn;
  return typeof fn === 'function' ? optionFamilies.get(fn) : undefined;
}
