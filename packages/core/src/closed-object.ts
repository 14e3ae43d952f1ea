import { z } from 'zod';
import { unknownKeysMessage } from './suggest.js';

/** A strict zod object whose unknown-key error names the nearest valid key (`unknown key "dropfraction" (did you mean "dropFraction"?)`). */
export function closedObject<S extends z.core.$ZodLooseShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, known) : undefined),
  });
}
