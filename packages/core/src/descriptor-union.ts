import { z } from 'zod';
import { closedObject } from './closed-object.js';
import type { ComponentDescriptor } from './descriptor.js';

/**
 * The JSON form of a list of descriptors: a union discriminated on `kind` (or `method` for presets) of closed
 * objects `{ kind: <descriptor kind>, ...options }`, each carrying the descriptor's doc and the checks of its
 * options schema. An unknown kind is refused with the allowed kinds and the nearest one.
 */
export function descriptorUnion(descriptors: readonly ComponentDescriptor[], key = 'kind', shapeOf: (descriptor: ComponentDescriptor) => z.core.$ZodLooseShape = (d) => d.options.shape): z.ZodType<Record<string, unknown>> {
  if (descriptors.length === 0) throw new RangeError(`descriptorUnion needs at least one descriptor, got none`);
  const options = descriptors.map((d) => {
    const object = closedObject({ [key]: z.literal(d.kind), ...shapeOf(d) }).describe(d.doc);
    const checks = (d.options.def.checks ?? []) as z.core.$ZodCheck<Record<string, unknown>>[];
    return (checks.length > 0 ? object.check(...checks) : object) as z.ZodObject;
  });
  return z.discriminatedUnion(key, options as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<Record<string, unknown>>;
}
