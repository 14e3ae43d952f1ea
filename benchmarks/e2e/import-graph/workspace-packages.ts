import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One workspace package, as the import-graph check sees it. */
export interface WorkspacePackage {
  /** The package's name from its package.json. */
  readonly name: string;
  /** Its folder, relative to the root and with forward slashes (`packages/core`). */
  readonly dir: string;
  /** Its source folder, relative to the root (`packages/core/src`; the package folder itself when it has none). */
  readonly sources: string;
  /** Every package its manifest names: dependencies, devDependencies, peerDependencies, optionalDependencies. */
  readonly declared: ReadonlySet<string>;
}

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/** Reads the manifest of the package in `dir` (relative to `root`); `sources` is its source folder inside `dir`. */
export function readWorkspacePackage(root: string, dir: string, sources = 'src'): WorkspacePackage {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest;
  const declared = new Set(
    [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies, manifest.optionalDependencies].flatMap((deps) =>
      Object.keys(deps ?? {}),
    ),
  );
  return { name: manifest.name, dir, sources: sources === '.' ? dir : `${dir}/${sources}`, declared };
}

/**
 * The packages pnpm-workspace.yaml lists (`packages/*` and plain folders), each with `src` as its sources when it
 * has one, else its whole folder.
 */
export function listWorkspacePackages(root: string): WorkspacePackage[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const list = /^packages:\n((?:\s+-.*\n?)*)/m.exec(yaml)?.[1] ?? '';
  const patterns = [...list.matchAll(/-\s*['"]?([^'"\s]+)['"]?/g)].map((match) => match[1]!);
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`);
  });
  return dirs.sort().map((dir) => readWorkspacePackage(root, dir, existsSync(join(root, dir, 'src')) ? 'src' : '.'));
}

/** The package that holds a root-relative file: the one whose folder is the longest prefix of its path (none in node_modules). */
export function packageOf(packages: readonly WorkspacePackage[], file: string): WorkspacePackage | undefined {
  if (file.startsWith('node_modules/') || file.includes('/node_modules/')) return undefined;
  return packages
    .filter((pkg) => file.startsWith(`${pkg.dir}/`))
    .sort((a, b) => b.dir.length - a.dir.length)[0];
}

/** The package name a bare import specifier names (`@topiary/core/testing` → `@topiary/core`, `zod/v4` → `zod`). */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Whether a manifest declares the package `name`, directly or through its `@types/…` package. */
export function declares(pkg: WorkspacePackage, name: string): boolean {
  const types = name.startsWith('@') ? `@types/${name.slice(1).replace('/', '__')}` : `@types/${name}`;
  return pkg.declared.has(name) || pkg.declared.has(types);
}
