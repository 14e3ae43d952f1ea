// Imports are one-way at every level: files, folders inside each package's sources, and packages, which import
// only what their manifests declare (docs/README.md#import-graph-check). The fixtures show the check can fail.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkImportGraph, describeReport } from './import-graph/check-import-graph.js';
import { listWorkspacePackages } from './import-graph/workspace-packages.js';
import { repositoryRoot } from './topiary-process.js';

/** Writes each file (path relative to `root` → text), creating folders on the way. */
function writeFiles(root: string, files: Readonly<Record<string, string>>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** A workspace package's manifest: its name, the packages it depends on, sources under `src/index.ts`. */
function manifest(name: string, dependencies: readonly string[] = []): string {
  const deps = Object.fromEntries(dependencies.map((dep) => [dep, 'workspace:^']));
  return JSON.stringify({ name, type: 'module', exports: { '.': './src/index.ts' }, dependencies: deps });
}

/** Checks the fixture workspace in `root` (packages listed in its pnpm-workspace.yaml). */
async function check(root: string) {
  const report = await checkImportGraph(root, listWorkspacePackages(root));
  return { report, problems: describeReport(report) };
}

describe('the import graph of this repository', () => {
  it('is one-way at file, folder and package level', async () => {
    const { report, problems } = await check(repositoryRoot);
    expect(report.files).toBeGreaterThan(250);
    expect(problems, `imports that are not one-way:\n${problems.join('\n')}`).toEqual([]);
  });
});

describe('the import-graph check', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'topiary-import-graph-'));
    writeFiles(root, { 'pnpm-workspace.yaml': 'packages:\n  - packages/*\n' });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('passes a graph that is one-way everywhere', async () => {
    writeFiles(root, {
      'packages/clean/package.json': manifest('@fixture/clean'),
      'packages/clean/src/index.ts': "export { top } from './top/top.js';\n",
      'packages/clean/src/top/top.ts': "import { low } from '../low/low.js';\nexport const top = low + 1;\n",
      'packages/clean/src/low/low.ts': 'export const low = 1;\n',
      'packages/clean/src/__tests__/top.test.ts': "import { top } from '../top/top.js';\nexport const checked = top;\n",
    });
    const { report, problems } = await check(root);
    expect(report.files).toBe(4);
    expect(problems).toEqual([]);
  });

  it('reports two files that import each other, with the chain', async () => {
    writeFiles(root, {
      'packages/files/package.json': manifest('@fixture/files'),
      'packages/files/src/a.ts': "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n",
      'packages/files/src/b.ts': "import type { a } from './a.js';\nexport const b = (): number => 0;\nexport type A = typeof a;\n",
    });
    const { report, problems } = await check(root);
    expect(report.fileCycles.map((cycle) => cycle.members)).toEqual([['packages/files/src/a.ts', 'packages/files/src/b.ts']]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^file cycle: packages\/files\/src\/(a|b)\.ts → packages\/files\/src\/(b|a)\.ts → packages\/files\/src\/\1\.ts\n/);
  });

  it('reports two folders that import each other though no file does, naming the imports behind it', async () => {
    writeFiles(root, {
      'packages/folders/package.json': manifest('@fixture/folders'),
      'packages/folders/src/suite/load.ts': "import { hash } from '../results/hash.js';\nexport const load = hash;\n",
      'packages/folders/src/suite/label.ts': "export const label = 'x';\n",
      'packages/folders/src/results/hash.ts': "export const hash = 'h';\n",
      'packages/folders/src/results/table.ts': "import { label } from '../suite/label.js';\nexport const table = label;\n",
    });
    const { report, problems } = await check(root);
    expect(report.fileCycles).toEqual([]);
    expect(problems).toEqual([
      [
        'folder cycle: packages/folders/src/results → packages/folders/src/suite → packages/folders/src/results',
        '    packages/folders/src/results/table.ts → packages/folders/src/suite/label.ts',
        '    packages/folders/src/suite/load.ts → packages/folders/src/results/hash.ts',
      ].join('\n'),
    ]);
  });

  it('reports packages that import each other and a package the importer does not declare', async () => {
    writeFiles(root, {
      'packages/one/package.json': manifest('@fixture/one', ['@fixture/two']),
      'packages/one/src/index.ts': "import { two } from '@fixture/two';\nimport { three } from '@fixture/three';\nexport const one = two + three;\n",
      'packages/two/package.json': manifest('@fixture/two', ['@fixture/one']),
      'packages/two/src/index.ts': "import type { one } from '@fixture/one';\nexport const two = 2;\nexport type One = typeof one;\n",
      'packages/three/package.json': manifest('@fixture/three'),
      'packages/three/src/index.ts': 'export const three = 3;\n',
    });
    for (const name of ['one', 'two', 'three']) {
      mkdirSync(join(root, 'node_modules/@fixture'), { recursive: true });
      symlinkSync(join(root, 'packages', name), join(root, 'node_modules/@fixture', name), 'dir');
    }
    const { report, problems } = await check(root);
    expect(report.unresolved).toEqual([]);
    expect(report.packageCycles.map((cycle) => cycle.chain)).toEqual([['@fixture/one', '@fixture/two', '@fixture/one']]);
    expect(report.undeclared).toEqual(['packages/one/src/index.ts imports @fixture/three, which packages/one/package.json does not declare']);
    expect(problems.join('\n')).toContain('package cycle: @fixture/one → @fixture/two → @fixture/one');
  });
});
