import { z } from 'zod';
import { strategyConfigSchema } from './schema.js';

/** The JSON Schema (draft 2020-12) of strategy configs, generated from the same zod source, for editors. */
export function strategyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(strategyConfigSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
