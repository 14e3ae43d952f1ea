import { z } from 'zod';
import { builtinRegistry } from './builtin-registry.js';
import type { ComponentRegistry } from './component-registry.js';

/** The JSON Schema (draft 2020-12) of strategy configs, derived from the registry's descriptors (the built-in ones by default), for editors. */
export function strategyJsonSchema(registry: ComponentRegistry = builtinRegistry): Record<string, unknown> {
  return z.toJSONSchema(registry.strategySchema(), { target: 'draft-2020-12', reused: 'ref' }) as Record<string, unknown>;
}
