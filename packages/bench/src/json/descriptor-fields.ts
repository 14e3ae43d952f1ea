import { closedObject, flattenIssues, formatPath } from '@topiary/core';
import { z } from 'zod';

/** Names of things JSON configs name (model kinds, data sets): lower-case words joined by `-`, `:` or `.`, as component kinds. */
export const CONFIG_NAME_PATTERN = /^[a-z][a-z0-9]*(?:[-:.][a-z0-9]+)*$/;

/** A config name: `my-cnn`, `my-lab:kmnist`. */
export const configNameSchema = z.string().regex(CONFIG_NAME_PATTERN, "must be lower-case words joined by '-', ':' or '.' (e.g. \"my-cnn\", \"my-lab:kmnist\")");

/** A function-valued descriptor field. */
export function functionField(what: string): z.ZodType<(...args: never[]) => unknown> {
  return z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', { message: `must be a function ${what}` });
}

/** The fields every descriptor has besides its name and factory: a one-line doc, a zod object of options, example options. */
export const descriptorFields = {
  /** One line for listings. */
  doc: z.string().refine((doc) => doc.trim() !== '' && !doc.includes('\n'), 'must be one non-empty line'),
  /** The options, a zod object (`z.object` or `closedObject` from `@topiary/core`). */
  options: z.custom<z.ZodObject>((value) => value instanceof z.ZodObject, { message: 'must be a zod object schema (z.object or closedObject from @topiary/core)' }),
  /** Options that build a representative instance. */
  example: z.unknown().optional(),
};

/**
 * Checks a descriptor against `shape` (a closed object: unknown fields are refused with the nearest one) and its
 * `example` against its own options; throws one RangeError with a line per problem, each starting with `what`.
 * Returns a frozen copy.
 */
export function checkDescriptor<D extends object>(descriptor: D, shape: z.core.$ZodLooseShape, what: string): D {
  if (typeof descriptor !== 'object' || descriptor === null || Array.isArray(descriptor)) {
    throw new RangeError(`${what}: must be a descriptor object with the fields ${Object.keys(shape).join(', ')}, got ${descriptor === null ? 'null' : Array.isArray(descriptor) ? 'an array' : typeof descriptor}`);
  }
  const result = closedObject(shape).safeParse(descriptor, { reportInput: true });
  if (!result.success) throw new RangeError(problemLines(result.error, what, ''));
  const { options, example } = descriptor as { options: z.ZodObject; example?: unknown };
  if (example !== undefined) {
    const parsed = options.safeParse(example, { reportInput: true });
    if (!parsed.success) throw new RangeError(problemLines(parsed.error, what, 'example'));
  }
  return Object.freeze({ ...descriptor });
}

/** `what: path: message`, one line per issue, the path under `root`. */
function problemLines(error: z.ZodError, what: string, root: string): string {
  return flattenIssues(error)
    .map((issue) => `${what}: ${formatPath(root, issue.path) || '(root)'}: ${issue.message}`)
    .join('\n');
}
