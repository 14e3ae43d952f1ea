import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DatasetError } from './dataset-error.js';

/** Makes the error a user-module problem is reported with (a {@link DatasetError} or a model error). */
export type FileErrorFactory = (file: string, problem: string, fix: string, options?: { cause?: unknown }) => Error;

/**
 * Imports an ES module by its file path (resolved from the current directory when relative) and returns its
 * namespace. A missing file, a syntax error or a throwing top level becomes `makeError(path, problem, fix)`; a
 * `.ts` file that Node cannot load says that it needs the tsx loader.
 */
export async function importModule(path: string, makeError: FileErrorFactory, fix: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const message = (cause as Error).message;
    // a module the file imports may be missing too: that one is named in the message below
    if (code === 'ERR_MODULE_NOT_FOUND' && !existsSync(path)) throw makeError(path, 'module not found', fix, { cause });
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && path.endsWith('.ts')) {
      throw makeError(path, `cannot import a .ts module without a TypeScript loader (${message})`, 'Run under tsx (as `pnpm topiary` does: node --import tsx), or compile the module to .mjs/.js.', { cause });
    }
    throw makeError(path, `cannot import the module (${message})`, 'Fix the module so that Node can import it (its own imports are resolved from its folder).', { cause });
  }
}

/** Imports a user module (resolved from the current directory when relative) and returns its export `name`, a function. */
export async function importUserModule(
  path: string,
  name: string,
  expected: string,
  makeError: FileErrorFactory = (file, problem, fix, options) => new DatasetError(file, problem, fix, options),
): Promise<(...args: never[]) => unknown> {
  const module = await importModule(path, makeError, 'Give the path of an ES module (.mjs, or .js in a "type": "module" package), relative to the suite file.');
  const value = module[name];
  if (typeof value !== 'function') {
    const exports = Object.keys(module);
    throw makeError(
      path,
      `export '${name}' is ${value === undefined ? 'missing' : `a ${typeof value}`}, expected ${expected} (the module exports ${exports.length > 0 ? exports.join(', ') : 'nothing'})`,
      `Export the function as '${name}' or set "export" to its name.`,
    );
  }
  return value as (...args: never[]) => unknown;
}

