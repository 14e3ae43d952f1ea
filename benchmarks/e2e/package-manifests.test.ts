// What the published packages promise: a README per package whose examples import only what the package
// exports, version ranges for runtime dependencies, and `webgpu` (Dawn, 132 MB) only as an optional peer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Manifest {
  readonly name: string;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const packages = readdirSync(join(root, 'packages')).map((dir) => ({
  dir,
  manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
}));
const byName = new Map(packages.map((entry) => [entry.manifest.name, entry]));

/** The value names a markdown file's TypeScript examples import from each `@topiary/...` specifier. */
function importedNames(markdown: string): Map<string, string[]> {
  const imports = new Map<string, string[]>();
  for (const [, block] of markdown.matchAll(/```ts\n([\s\S]*?)```/g)) {
    for (const [, names, specifier] of block!.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@topiary\/[^']+)'/g)) {
      const values = names!
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name.length > 0 && !name.startsWith('type '));
      imports.set(specifier!, [...(imports.get(specifier!) ?? []), ...values]);
    }
  }
  return imports;
}

/** The source file behind an export of a workspace package (`@topiary/core/testing` → packages/core/src/testing/index.ts). */
function sourceOf(specifier: string): string {
  const [scope, name, ...rest] = specifier.split('/');
  const entry = byName.get(`${scope}/${name}`);
  if (entry === undefined) throw new Error(`${specifier}: no such workspace package`);
  const target = entry.manifest.exports[rest.length === 0 ? '.' : `./${rest.join('/')}`];
  if (target === undefined || typeof target === 'string') throw new Error(`${specifier}: not a code export`);
  return join(root, 'packages', entry.dir, target['@topiary/source']!);
}

describe('package READMEs', () => {
  const readmes = [
    ...packages.map(({ dir, manifest }) => ({ label: manifest.name, file: join(root, 'packages', dir, 'README.md'), name: manifest.name })),
    { label: 'root README', file: join(root, 'README.md'), name: undefined },
  ];

  it.each(packages.map(({ dir, manifest }) => [manifest.name, dir] as const))('%s has a README with an install line', (name, dir) => {
    const readme = readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8');
    expect(readme.startsWith(`# ${name}\n`)).toBe(true);
    expect(readme).toMatch(new RegExp(`pnpm add [^\\n]*${name.replace('/', '\\/')}(\\s|$)`));
  });

  it.each(readmes.map((readme) => [readme.label, readme.file] as const))('the examples of %s import only what the packages export', async (_label, file) => {
    const imports = importedNames(readFileSync(file, 'utf8'));
    for (const [specifier, names] of imports) {
      const exported = Object.keys((await import(sourceOf(specifier))) as Record<string, unknown>);
      for (const name of names) expect(exported, `${specifier} exports ${name}`).toContain(name);
    }
  });
});

describe('dependencies of the published packages', () => {
  it('runtime and peer dependencies are ranges, not exact versions', () => {
    for (const { manifest } of packages) {
      for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        expect(range, `${manifest.name} → ${name}`).toMatch(/^(\^|workspace:\^)/);
      }
    }
  });

  it('webgpu (Dawn for Node) is nobody\'s dependency, only an optional peer of the packages that load it', () => {
    for (const { manifest } of packages) expect(manifest.dependencies ?? {}, manifest.name).not.toHaveProperty('webgpu');
    for (const name of ['@topiary/backend-webgpu', '@topiary/bench']) {
      const { manifest } = byName.get(name)!;
      expect(manifest.peerDependencies?.webgpu, name).toBe('^0.6.2');
      expect(manifest.peerDependenciesMeta?.webgpu?.optional, name).toBe(true);
    }
  });

  it('tfjs-core is a peer of every package, never a runtime dependency', () => {
    for (const { manifest } of packages) {
      expect(manifest.peerDependencies?.['@tensorflow/tfjs-core'], manifest.name).toBe('^4.22.0');
      expect(manifest.dependencies ?? {}, manifest.name).not.toHaveProperty('@tensorflow/tfjs-core');
      expect(manifest.dependencies ?? {}, manifest.name).not.toHaveProperty('@tensorflow/tfjs-layers');
    }
  });
});
