// The export condition that maps workspace packages to their TypeScript sources is named for the project
// (`@topiary/source`), so an application that runs with a generic `node --conditions=source` (a common name
// in other tool chains) resolves every Topiary package to its compiled JavaScript, never to a `.ts` file.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_CONDITION = '@topiary/source';

interface Manifest {
  readonly name: string;
  readonly exports: Record<string, string | Record<string, string>>;
}

const dirs = readdirSync(join(root, 'packages'));
const manifests: Manifest[] = dirs.map((dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest);

/** Every import specifier the packages export that points at code (`@topiary/core`, `@topiary/core/testing`, …). */
const specifiers = manifests.flatMap((manifest) =>
  Object.entries(manifest.exports)
    .filter(([, target]) => typeof target !== 'string')
    .map(([subpath]) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`)),
);

/** Resolves the specifiers in child `node` runs with the given conditions, each from its own package (a self-reference). */
async function resolveUnder(conditions: string[]): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const [i, manifest] of manifests.entries()) {
    const own = specifiers.filter((s) => s === manifest.name || s.startsWith(`${manifest.name}/`));
    const script = `const out = {}; for (const s of ${JSON.stringify(own)}) out[s] = import.meta.resolve(s); console.log(JSON.stringify(out));`;
    const args = [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e', script];
    const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: join(root, 'packages', dirs[i]!) });
    Object.assign(resolved, JSON.parse(stdout) as Record<string, string>);
  }
  return resolved;
}

describe('export conditions', () => {
  it('no package exports a bare `source` condition; every code export has the project-prefixed one first', () => {
    expect(manifests).toHaveLength(10);
    for (const manifest of manifests) {
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (typeof target === 'string') continue;
        expect(Object.keys(target), `${manifest.name} "${subpath}"`).not.toContain('source');
        expect(Object.keys(target), `${manifest.name} "${subpath}"`).toEqual([SOURCE_CONDITION, 'types', 'default']);
      }
    }
  });

  it('an app started with `node --conditions=source` resolves every package to dist/, not to TypeScript', async () => {
    const resolved = await resolveUnder(['source']);
    expect(Object.keys(resolved).sort()).toEqual([...specifiers].sort());
    for (const [specifier, url] of Object.entries(resolved)) {
      expect(url, specifier).toMatch(/\/dist\/.*\.js$/);
    }
  });

  it(`--conditions=${SOURCE_CONDITION} (the repository's scripts and tests) resolves every package to src/`, async () => {
    const resolved = await resolveUnder([SOURCE_CONDITION]);
    for (const [specifier, url] of Object.entries(resolved)) {
      expect(url, specifier).toMatch(/\/packages\/[a-z-]+\/src\/.*\.ts$/);
    }
  });
});
