import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages whose versions every run record lists. */
export const RECORDED_PACKAGES = [
  '@topiary/bench',
  '@topiary/core',
  '@topiary/algorithms',
  '@topiary/drop',
  '@topiary/grow',
  '@topiary/distributions',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
] as const;

/** Walks up from a module file to the package.json of its package and returns its version. */
async function versionOf(moduleUrl: string, name: string): Promise<string | undefined> {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name) return manifest.version;
    } catch {
      // no package.json at this level
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Versions of Node and of the packages that run the benchmarks, as resolved from this module (so the
 * workspace's sources or an installed copy, whichever actually runs). Unresolvable packages are left out.
 */
export async function packageVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = { node: process.versions.node };
  for (const name of RECORDED_PACKAGES) {
    let url: string;
    try {
      url = name === '@topiary/bench' ? import.meta.url : import.meta.resolve(name);
    } catch {
      continue;
    }
    const version = await versionOf(url, name);
    if (version !== undefined) versions[name] = version;
  }
  return versions;
}
