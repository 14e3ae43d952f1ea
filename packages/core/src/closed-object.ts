import { z } from 'zod';
import { unknownKeysMessage } from './suggest.js';

/** A strict zod object whose unknown-key error names the nearest valid key (`unknown key "dropfraction" (did you mean "dropFraction"?)`) and whose type error lists its keys. */
export function closedObject<S extends z.core.$ZodLooseShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return unknownKeysMessage(issue.keys, known);
      if (issue.code === 'invalid_type' && (issue.path?.length ?? 0) === 0) return known.length > 0 ? `must be an options object with the keys ${known.map((k) => JSON.stringify(k)).join(', ')}` : 'must be an options object (this component takes no options)';
      return undefined;
    },
  });
}
