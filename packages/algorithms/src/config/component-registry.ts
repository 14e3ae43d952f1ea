import { componentFamilies, createComponent, descriptorUnion, nearestName } from '@topiary/core';
import type { AnyComponentDescriptor, ComponentContexts, ComponentDescriptor, ComponentFamily, ComponentProducts } from '@topiary/core';
import type { z } from 'zod';
import type { StrategyConfig } from './config-types.js';
import { ConfigError } from './config-error.js';
import { jsonForm } from './json-form.js';
import { RUN_CONTEXT_FIELDS } from '../presets/fields.js';

/** A registered descriptor and where it came from (`built-in`, or a plugin module). */
export interface RegisteredComponent {
  /** The descriptor. */
  readonly descriptor: AnyComponentDescriptor;
  /** Where it was registered from. */
  readonly source: string;
}

/**
 * The components JSON configs may name, by family and kind: the built-in ones and any user descriptors added
 * with {@link ComponentRegistry.with}. The JSON unions, the JSON Schema and the list of methods derive from it.
 */
export class ComponentRegistry {
  readonly #entries: ReadonlyMap<ComponentFamily, ReadonlyMap<string, RegisteredComponent>>;
  readonly #schemas = new Map<ComponentFamily, z.ZodType>();
  #strategySchema: z.ZodType<StrategyConfig> | undefined;

  private constructor(entries: ReadonlyMap<ComponentFamily, ReadonlyMap<string, RegisteredComponent>>) {
    this.#entries = entries;
  }

  /** An empty registry. */
  static empty(): ComponentRegistry {
    return new ComponentRegistry(new Map(componentFamilies.map((family) => [family, new Map()])));
  }

  /**
   * A new registry with `descriptors` added from `source`. A kind already registered in the same family is
   * refused, naming both sources; nothing is added then.
   */
  with(descriptors: readonly ComponentDescriptor[], source: string): ComponentRegistry {
    const entries = new Map([...this.#entries].map(([family, kinds]) => [family, new Map(kinds)]));
    for (const descriptor of descriptors as readonly AnyComponentDescriptor[]) {
      const kinds = entries.get(descriptor.family);
      if (!kinds) throw new RangeError(`${source}: component ${JSON.stringify(descriptor.kind)} has family ${JSON.stringify(descriptor.family)}; allowed: ${componentFamilies.join(', ')}`);
      const existing = kinds.get(descriptor.kind);
      if (existing) throw new RangeError(`${source}: ${descriptor.family} kind ${JSON.stringify(descriptor.kind)} is already registered by ${existing.source}; give it another kind (e.g. "${descriptor.kind.includes(':') ? `${descriptor.kind}-2` : `my-lab:${descriptor.kind}`}")`);
      kinds.set(descriptor.kind, { descriptor, source });
    }
    return new ComponentRegistry(entries);
  }

  /** The kinds of a family, in registration order. */
  kinds(family: ComponentFamily): string[] {
    return [...this.#entries.get(family)!.keys()];
  }

  /** Every registered component of a family. */
  components(family: ComponentFamily): RegisteredComponent[] {
    return [...this.#entries.get(family)!.values()];
  }

  /** The descriptor of a kind, or undefined. */
  get<F extends ComponentFamily>(family: F, kind: string): ComponentDescriptor<F> | undefined {
    return this.#entries.get(family)!.get(kind)?.descriptor as ComponentDescriptor<F> | undefined;
  }

  /** The JSON union of a family's configs (`{ "kind": …, …options }`); presets are discriminated on `method`. */
  configSchema(family: ComponentFamily): z.ZodType {
    if (family === 'preset') return this.strategySchema();
    let schema = this.#schemas.get(family);
    if (!schema) {
      schema = descriptorUnion(this.#descriptorsOf(family), 'kind', (d) => (jsonForm(d.options, (f) => this.configSchema(f)) as z.ZodObject).shape);
      this.#schemas.set(family, schema);
    }
    return schema;
  }

  /** The JSON union of every preset's config, discriminated on `method`; run-provided options (`totalSteps`, `stepsPerEpoch`) are left out. */
  strategySchema(): z.ZodType<StrategyConfig> {
    this.#strategySchema ??= descriptorUnion(this.#descriptorsOf('preset'), 'method', (d) => (jsonForm(d.options, (f) => this.configSchema(f), RUN_CONTEXT_FIELDS) as z.ZodObject).shape).describe('A Topiary sparse-training strategy.') as z.ZodType<StrategyConfig>;
    return this.#strategySchema;
  }

  /**
   * Builds the component a validated config names, at a JSON path. An unknown kind is refused with the allowed
   * kinds and the nearest one; a factory's own refusal becomes a {@link ConfigError} at `path`.
   */
  create<F extends ComponentFamily>(family: F, config: Readonly<Record<string, unknown>>, path: string, context?: ComponentContexts[F]): ComponentProducts[F] {
    const key = family === 'preset' ? 'method' : 'kind';
    const { [key]: kind, ...options } = config;
    const descriptor = typeof kind === 'string' ? this.get(family, kind) : undefined;
    if (!descriptor) {
      const allowed = this.kinds(family);
      const near = typeof kind === 'string' ? nearestName(kind, allowed) : undefined;
      throw new ConfigError([{ path: `${path}.${key}`, message: `must be one of ${allowed.map((k) => JSON.stringify(k)).join(', ')} (got ${JSON.stringify(kind)})${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}` }]);
    }
    const at = context !== undefined ? { path, context } : family === 'preset' ? { path, context: { path } as ComponentContexts[F] } : { path };
    try {
      return createComponent(descriptor, options as never, at);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(issuesOf((error as Error).message, path));
    }
  }

  #descriptorsOf(family: ComponentFamily): ComponentDescriptor[] {
    const list = this.components(family).map((c) => c.descriptor as ComponentDescriptor);
    if (list.length === 0) throw new RangeError(`no ${family} component is registered`);
    return list;
  }
}

/** A factory's message as issues: lines that start with a path under `path` keep it, any other text is placed at `path`. */
function issuesOf(message: string, path: string): { path: string; message: string }[] {
  const lines = message.split('\n');
  const located = lines.map((line) => /^(\S+): (.*)$/s.exec(line));
  const under = (candidate: string): boolean => path === '' || candidate === path || candidate.startsWith(`${path}.`) || candidate.startsWith(`${path}[`);
  if (located.every((m) => m !== null && under(m[1]!))) return located.map((m) => ({ path: m![1]!, message: m![2]! }));
  return [{ path: path || '(root)', message }];
}
