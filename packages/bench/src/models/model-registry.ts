import { closedObject } from '@topiary/core';
import { z } from 'zod';
import { BUILTIN_MODEL_KINDS, modelConfigSchema, type ModelConfig, type PluginModelConfig } from './model-config.js';
import type { ModelDescriptor } from './model-descriptor.js';

/** A plugin's model and the plugin it came from. */
export interface RegisteredModel {
  /** The descriptor. */
  readonly descriptor: ModelDescriptor;
  /** Where it was registered from (the plugin's path). */
  readonly source: string;
}

/** The source of the kinds the bench knows itself. */
const BUILT_IN = 'built-in';

/**
 * The models run configs may name in `model.kind`: the built-in ones and those of plugins, added with
 * {@link ModelRegistry.with}. The JSON union of model configs derives from it.
 */
export class ModelRegistry {
  readonly #entries: ReadonlyMap<string, { readonly source: string; readonly descriptor?: ModelDescriptor }>;
  #schema: z.ZodType<ModelConfig | PluginModelConfig> | undefined;

  private constructor(entries: ReadonlyMap<string, { readonly source: string; readonly descriptor?: ModelDescriptor }>) {
    this.#entries = entries;
  }

  /** The built-in models alone. */
  static builtin(): ModelRegistry {
    return new ModelRegistry(new Map(BUILTIN_MODEL_KINDS.map((kind) => [kind, { source: BUILT_IN }])));
  }

  /**
   * A new registry with `descriptors` added from `source`. A kind already taken (by the bench or another plugin) is
   * refused, naming both sources; nothing is added then.
   */
  with(descriptors: readonly ModelDescriptor[], source: string): ModelRegistry {
    const entries = new Map(this.#entries);
    for (const descriptor of descriptors) {
      const existing = entries.get(descriptor.kind);
      if (existing) throw new RangeError(`${source}: model kind ${JSON.stringify(descriptor.kind)} is already registered by ${existing.source}; give it another kind (e.g. "my-lab:${descriptor.kind}")`);
      entries.set(descriptor.kind, { source, descriptor });
    }
    return new ModelRegistry(entries);
  }

  /** Every kind `model.kind` may take, the built-in ones first. */
  kinds(): string[] {
    return [...this.#entries.keys()];
  }

  /** A plugin's model by kind; undefined for a built-in or unknown kind. */
  get(kind: string): RegisteredModel | undefined {
    const entry = this.#entries.get(kind);
    return entry?.descriptor ? { descriptor: entry.descriptor, source: entry.source } : undefined;
  }

  /**
   * The JSON union of model configs, discriminated on `kind`: the built-in models' schemas and, for each plugin
   * model, a closed object of its kind and options (with the checks of its options schema).
   */
  configSchema(): z.ZodType<ModelConfig | PluginModelConfig> {
    if (this.#schema) return this.#schema;
    const plugins = [...this.#entries.values()].flatMap((entry) => (entry.descriptor ? [entry.descriptor] : []));
    if (plugins.length === 0) {
      this.#schema = modelConfigSchema;
      return this.#schema;
    }
    const options = plugins.map((descriptor) => {
      const object = closedObject({ kind: z.literal(descriptor.kind), ...descriptor.options.shape }).describe(descriptor.doc);
      const checks = (descriptor.options.def.checks ?? []) as z.core.$ZodCheck<Record<string, unknown>>[];
      return (checks.length > 0 ? object.check(...checks) : object) as z.ZodObject;
    });
    this.#schema = z.discriminatedUnion('kind', [...modelConfigSchema.options, ...options] as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<ModelConfig | PluginModelConfig>;
    return this.#schema;
  }
}
