import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';

/** Relative specifiers in `import … from`, `export … from`, bare `import '…'` and literal `import('…')`. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"\n]+)['"]/g;

/** The files a relative specifier may name: as written, then TypeScript sources behind `.js`/`.mjs`, then an index. */
function candidates(from: string, specifier: string): string[] {
  const target = resolve(dirname(from), specifier);
  if (/\.m?js$/.test(target)) return [target, target.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts')];
  if (/\.[cm]?tsx?$|\.json$/.test(target)) return [target];
  return ['.ts', '.js', '.mjs', '.mts', `${sep}index.ts`, `${sep}index.js`].map((ext) => `${target}${ext}`);
}

async function firstFile(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * The SHA-256 of a plugin's own source: the plugin file and every local module it imports through relative
 * specifiers, followed transitively (packages in node_modules are versioned by the lockfile and not included).
 * Each file enters as its path relative to the plugin's folder and its bytes, in sorted order, so the hash changes
 * when any of them changes and not when the folder moves. Imports built at run time (`import(name)`) are not seen.
 */
export async function pluginSourceHash(file: string): Promise<{ readonly sha256: string; readonly files: readonly string[] }> {
  const root = dirname(file);
  const contents = new Map<string, Buffer>();
  const pending = [file];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (contents.has(next) || next.split(sep).includes('node_modules')) continue;
    const bytes = await readFile(next);
    contents.set(next, bytes);
    for (const match of bytes.toString('utf8').matchAll(RELATIVE_IMPORT)) {
      const found = await firstFile(candidates(next, match[1]!));
      if (found !== undefined && !contents.has(found)) pending.push(found);
    }
  }
  const files = [...contents.keys()].map((path) => relative(root, path).split(sep).join('/')).sort();
  const hash = createHash('sha256');
  for (const name of files) {
    const bytes = contents.get(resolve(root, name))!;
    hash.update(`${name}\u0000${bytes.length}\u0000`, 'utf8');
    hash.update(bytes);
  }
  return { sha256: hash.digest('hex'), files };
}
