import { closedObject, componentOptionFamily } from '@topiary/core';
import type { ComponentFamily } from '@topiary/core';
import { z } from 'zod';

/** What the JSON form of a schema needs: the JSON union of each component family. */
export type FamilyConfigSchema = (family: ComponentFamily) => z.ZodType;

/** Builds one component from its `{ kind, …options }` config at a JSON path. */
export type BuildComponent = (family: ComponentFamily, config: Record<string, unknown>, path: string) => unknown;

function described<T extends z.ZodType>(schema: T, description: string | undefined): T {
  return description === undefined ? schema : (schema.describe(description) as T);
}

function withChecks(object: z.ZodObject, from: z.ZodObject): z.ZodObject {
  const checks = (from.def.checks ?? []) as z.core.$ZodCheck<Record<string, unknown>>[];
  return checks.length > 0 ? (object.check(...checks) as z.ZodObject) : object;
}

/**
 * The JSON form of an options schema: every component option ({@link componentOption}) becomes the JSON union of
 * its family (`{ "kind": …, …options }`), through optional wrappers, nested objects and discriminated unions;
 * `omit` drops top-level keys the run provides. Objects stay closed and keep their checks.
 */
export function jsonForm(schema: z.ZodType, configSchema: FamilyConfigSchema, omit: readonly string[] = []): z.ZodType {
  const family = componentOptionFamily(schema);
  if (family) return described(configSchema(family), schema.description);
  if (schema instanceof z.ZodOptional) return described(jsonForm(schema.unwrap() as z.ZodType, configSchema).optional(), schema.description);
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).filter(([key]) => !omit.includes(key)).map(([key, value]) => [key, jsonForm(value, configSchema)]));
    return described(withChecks(closedObject(shape), schema), schema.description);
  }
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const options = (schema.options as z.ZodType[]).map((option) => jsonForm(option, configSchema)) as [z.ZodObject, ...z.ZodObject[]];
    return described(z.discriminatedUnion(schema.def.discriminator, options), schema.description);
  }
  return schema;
}

function literalValues(schema: unknown): readonly unknown[] {
  return schema instanceof z.ZodLiteral ? [...schema.values] : [];
}

/**
 * Walks a value that passed {@link jsonForm}`(schema)` alongside `schema` and builds every component option
 * from its config, so that the result passes `schema` itself (the preset's TypeScript options).
 */
export function buildComponents(schema: z.ZodType, value: unknown, build: BuildComponent, path: string): unknown {
  if (value === undefined) return undefined;
  const family = componentOptionFamily(schema);
  if (family) return build(family, value as Record<string, unknown>, path);
  if (schema instanceof z.ZodOptional) return buildComponents(schema.unwrap() as z.ZodType, value, build, path);
  const join = (key: string): string => (path ? `${path}.${key}` : key);
  if (schema instanceof z.ZodObject && value !== null && typeof value === 'object') {
    const shape = schema.shape as Record<string, z.ZodType>;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, Object.hasOwn(shape, key) ? buildComponents(shape[key]!, item, build, join(key)) : item]));
  }
  if (schema instanceof z.ZodDiscriminatedUnion && value !== null && typeof value === 'object') {
    const key = schema.def.discriminator;
    const tag = (value as Record<string, unknown>)[key];
    const option = (schema.options as z.ZodObject[]).find((o) => literalValues(o.shape[key]).includes(tag));
    return option ? buildComponents(option, value, build, path) : value;
  }
  return value;
}
