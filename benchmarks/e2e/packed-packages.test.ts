// The packages as published: build them, pack each into a tarball, lint the tarballs with publint and
// are-the-types-wrong (ESM-only profile), then install the tarballs into a scratch npm project and run the
// README's RigL example there, without the `@topiary/source` condition.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { problemAffectsResolutionKind, problemKindInfo } from '@arethetypeswrong/core/problems';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const packagesDir = join(root, 'packages');
const packageDirs = readdirSync(packagesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(packagesDir, d.name))
  .filter((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { private?: boolean };
    return manifest.private !== true;
  });

const TFJS_VERSION = '4.22.0';
/** The resolution kinds an ESM-only package has to satisfy (attw's `--profile esm-only`). */
const ESM_RESOLUTIONS = ['node16-esm', 'bundler'] as const;

function run(cmd: string, args: string[], cwd: string): string {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

function registryReachable(): boolean {
  try {
    execFileSync('npm', ['view', '@tensorflow/tfjs-core@' + TFJS_VERSION, 'version'], { stdio: 'pipe', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const online = registryReachable();
if (!online) {
  console.warn('packed-packages: the README example from the tarballs is SKIPPED, the npm registry cannot be reached '
    + '(`npm view @tensorflow/tfjs-core` failed); publint and are-the-types-wrong still run.');
}

describe('packed packages', () => {
  const tarballDir = mkdtempSync(join(tmpdir(), 'topiary-pack-'));
  const scratchDir = mkdtempSync(join(tmpdir(), 'topiary-scratch-'));
  const tarballs: string[] = [];
  // Only the dist/ folders this test builds are removed afterwards; a developer's own build stays.
  const builtHere = packageDirs.filter((dir) => !existsSync(join(dir, 'dist')));

  beforeAll(() => {
    run('pnpm', ['build'], root);
    for (const dir of packageDirs) {
      run('pnpm', ['pack', '--pack-destination', tarballDir], dir);
    }
    tarballs.push(...readdirSync(tarballDir).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballDir, f)));
  }, 240_000);

  afterAll(() => {
    rmSync(tarballDir, { recursive: true, force: true });
    rmSync(scratchDir, { recursive: true, force: true });
    for (const dir of builtHere) rmSync(join(dir, 'dist'), { recursive: true, force: true });
  });

  it('packs every published package', () => {
    expect(tarballs).toHaveLength(packageDirs.length);
  });

  it('passes publint and are-the-types-wrong (ESM-only)', async () => {
    const problems: string[] = [];
    for (const tarball of tarballs) {
      const data = readFileSync(tarball);
      const name = tarball.slice(tarballDir.length + 1);
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

      const lint = await publint({ pack: { tarball: bytes.slice().buffer }, level: 'suggestion', strict: true });
      for (const message of lint.messages) {
        problems.push(`${name}: publint ${message.type}: ${formatMessage(message, lint.pkg, { color: false }) ?? message.code}`);
      }

      const result = await checkPackage(createPackageFromTarballData(bytes));
      if (result.types === false) {
        problems.push(`${name}: attw: the package ships no types`);
        continue;
      }
      for (const problem of result.problems) {
        if (!ESM_RESOLUTIONS.some((kind) => problemAffectsResolutionKind(problem, kind, result))) continue;
        const where = 'entrypoint' in problem ? ` (${problem.entrypoint}, ${problem.resolutionKind})` : '';
        problems.push(`${name}: attw ${problem.kind}${where}: ${problemKindInfo[problem.kind].shortDescription}`);
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  }, 120_000);

  it.skipIf(!online)('installs the tarballs into a scratch ESM project that runs the README example', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.split('## RigL on a Sequential model')[1] ?? '';
    const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example, 'README has a ```ts block under "RigL on a Sequential model"').toBeDefined();
    const lines = example!.split('\n');
    const lastImport = lines.findLastIndex((line) => line.startsWith('import '));
    // "your data": a few synthetic batches, declared after the imports.
    const batches = [
      'const batches = Array.from({ length: 3 }, (_, i) => ({',
      "  xs: tf.randomUniform([32, 784], 0, 1, 'float32', i),",
      "  ys: tf.oneHot(tf.randomUniform([32], 0, 10, 'int32', 100 + i), 10) }));",
      "await tf.setBackend('cpu');",
    ];
    const script = [...lines.slice(0, lastImport + 1), ...batches, ...lines.slice(lastImport + 1)].join('\n');
    // Types stripped (the example is TypeScript by its fence), then run by plain node: no loader, no conditions.
    const js = ts.transpileModule(script, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    }).outputText;
    writeFileSync(join(scratchDir, 'example.mjs'), js);
    writeFileSync(join(scratchDir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error',
      ...tarballs,
      `@tensorflow/tfjs-core@${TFJS_VERSION}`, `@tensorflow/tfjs-layers@${TFJS_VERSION}`,
      `@tensorflow/tfjs-backend-cpu@${TFJS_VERSION}`], scratchDir);
    // Every @topiary package comes from the packed tarballs, none from the registry.
    const lock = JSON.parse(readFileSync(join(scratchDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    const topiary = Object.entries(lock.packages).filter(([path]) => path.includes('node_modules/@topiary/'));
    const names = packageDirs.map((dir) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name);
    expect(topiary.map(([path]) => path).sort()).toEqual(names.map((name) => `node_modules/${name}`).sort());
    for (const [path, entry] of topiary) expect(entry.resolved, path).toMatch(/^file:/);
    const out = run('node', ['example.mjs'], scratchDir).trim().split('\n').at(-1) ?? '';
    const [sparsity, ratio] = out.split(/\s+/).map(Number);
    expect(sparsity, `example printed: ${out}`).toBeCloseTo(0.9, 2);
    expect(ratio, `example printed: ${out}`).toBeLessThan(0.2);
  }, 240_000);
});
