// The tutorials in docs/tutorials, kept true: every code file a tutorial shows is included in it verbatim, and
// each is run here the way the tutorial runs it (scripts and the `topiary` CLI as their own processes, started
// as the root `pnpm topiary` script starts them). The conformance test of tutorial 2 runs as its own test file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pluginSourceHash, readRunRecords } from '@topiary/bench';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const node = ['--import', 'tsx', '--conditions=@topiary/source'];
const cliMain = join(root, 'packages/bench/src/cli/main.ts');

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runNode(args: readonly string[]): Promise<Finished> {
  return run(spawn(process.execPath, [...node, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Runs a command line the way a shell in the repository root does. */
function runShell(line: string): Promise<Finished> {
  return run(spawn('sh', ['-c', line], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
}

function run(child: ReturnType<typeof spawn>): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The fenced code blocks of a Markdown page, in order. */
function fencedBlocks(markdown: string): { lang: string; body: string }[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

/** The lines of the tutorial's `text` block that starts with `first`. */
function shownOutput(markdown: string, first: string): string[] {
  const block = fencedBlocks(markdown).find((b) => b.lang === 'text' && b.body.startsWith(first));
  if (!block) throw new Error(`no text block starting with ${JSON.stringify(first)}`);
  return block.body.trimEnd().split('\n');
}

/** Output lines without tfjs's banner about the Node backend. */
const outputLines = (text: string) => text.split('\n').filter((line) => line.length > 0 && !line.startsWith('====') && !line.startsWith('Hi, looks like'));

const tutorials: Record<string, readonly string[]> = {
  'docs/tutorials/01-first-sparse-run.md': ['benchmarks/tutorials/first-sparse-run.ts'],
  'docs/tutorials/02-own-criterion.md': [
    'benchmarks/tutorials/unit-relative-drop.ts',
    'benchmarks/tutorials/unit-relative-drop.test.ts',
    'benchmarks/tutorials/own-criterion.ts',
    'benchmarks/tutorials/unit-relative-plugin.ts',
    'benchmarks/tutorials/own-criterion-suite.json',
  ],
  'docs/tutorials/03-ablation.md': ['benchmarks/tutorials/ablation-suite.json'],
};

describe('tutorials', () => {
  it.each(Object.entries(tutorials))('%s shows its code files verbatim', (page, files) => {
    const bodies = fencedBlocks(read(page)).map((b) => b.body);
    for (const file of files) expect(bodies, `${file} in ${page}`).toContain(read(file));
  });

  it('1: the first sparse run trains RigL at 90% and prints what the tutorial shows', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runNode(['benchmarks/tutorials/first-sparse-run.ts']);
    expect(code, stderr).toBe(0);
    const printed = outputLines(stdout);
    const shown = shownOutput(read('docs/tutorials/01-first-sparse-run.md'), 'epoch 1:');
    expect(printed).toHaveLength(shown.length);
    // Losses, accuracy and exploration are shown as measured (tfjs's layer initialisers are unseeded); the
    // counts, densities and FLOPs follow from the trainer's seed and the schedule.
    printed.forEach((line, i) => {
      if (/^(epoch|test accuracy|exploration rate)/.test(line)) expect(line.replace(/[\d.]+%?$/, '')).toBe(shown[i]!.replace(/[\d.]+%?$/, ''));
      else expect(line).toBe(shown[i]);
    });
    expect(printed).toContain('sparsity 90.00% (26620 of 266200 weights active)');
  });

  it('2: a user drop criterion resolves through the registry, and a suite naming it runs with its plugin', { timeout: 120_000 }, async () => {
    const page = read('docs/tutorials/02-own-criterion.md');
    const script = await runNode(['benchmarks/tutorials/own-criterion.ts']);
    expect(script.code, script.stderr).toBe(0);
    const printed = outputLines(script.stdout);
    const shown = shownOutput(page, 'RigL:');
    const measured = (line: string) => line.replace(/last loss [\d.]+/, 'last loss').replace(/exploration [\d.]+%/, 'exploration');
    expect(printed.map(measured)).toEqual(shown.map(measured));
    expect(printed[1]).toMatch(/^RigL, unit-relative drop: drop unit-relative, .*sparsity 90\.00%/);

    // the suite, with the commands the page shows, into a folder of our own
    const shownDir = 'topiary-out/unit-relative';
    const commands = fencedBlocks(page)
      .filter((b) => b.lang === 'sh')
      .flatMap((b) => b.body.trimEnd().split('\n'))
      .filter((line) => line.includes(shownDir));
    expect(commands.map((c) => c.split(' ')[0])).toEqual(['pnpm', 'node']);
    const dir = join(mkdtempSync(join(tmpdir(), 'topiary-tutorial-2-')), 'unit-relative');
    const bench = await runNode([cliMain, ...commands[0]!.slice('pnpm topiary '.length).split(' ').map((arg) => arg.replace(shownDir, dir))]);
    expect(bench.code, bench.stderr).toBe(0);
    const benchLines = outputLines(bench.stdout);
    const benchShown = shownOutput(page, 'unit-relative-drop: 2 runs');
    const anyWorkers = (line: string) => line.replace(/on \d+ worker\(s\)/, 'on N worker(s)').replace(dir, shownDir);
    expect(anyWorkers(benchLines[0]!)).toBe(anyWorkers(benchShown[0]!));
    expect(anyWorkers(benchLines.at(-1)!)).toBe(benchShown.at(-1));

    // the records name the plugin with the sha256 of its source (it and unit-relative-drop.ts), and the unit-relative run trained with its drop
    const { sha256, files } = await pluginSourceHash(join(root, 'benchmarks/tutorials/unit-relative-plugin.ts'));
    expect(files).toEqual(['unit-relative-drop.ts', 'unit-relative-plugin.ts']);
    const { records } = await readRunRecords(dir);
    expect(records).toHaveLength(2);
    for (const record of records) {
      const drop = record.axes['drop'];
      expect(record.plugins).toEqual([{ path: './unit-relative-plugin.ts', relativeTo: 'suite', sha256, used: drop === 'unit-relative' }]);
      expect(record.strategy?.drop).toBe(drop);
      expect(record.config['algorithm']).toMatchObject({ method: 'rigl', drop: { kind: drop } });
    }
    expect(records.map((r) => r.axes['drop']).sort()).toEqual(['magnitude', 'unit-relative']);
    // what the page shows of them is what they hold: the hashes follow from the configs and the plugin's bytes
    const inspected = await runShell(commands[1]!.replace(shownDir, dir));
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(outputLines(inspected.stdout).sort()).toEqual(shownOutput(page, 'magnitude magnitude ').sort());
  });

  it('3: the ablation runs with the commands the tutorial shows and writes its tables and plots', { timeout: 120_000 }, async () => {
    const page = read('docs/tutorials/03-ablation.md');
    const shownDir = 'topiary-out/tutorial-ablation';
    const commands = fencedBlocks(page)
      .filter((b) => b.lang === 'sh')
      .flatMap((b) => b.body.trimEnd().split('\n'))
      .filter((line) => line.startsWith('pnpm topiary '));
    expect(commands.map((c) => c.split(' ')[2])).toEqual(['compare', 'table', 'plot']);
    const dir = join(mkdtempSync(join(tmpdir(), 'topiary-tutorial-3-')), 'ablation');
    const results: Finished[] = [];
    for (const command of commands) {
      const args = command.slice('pnpm topiary '.length).split(' ').map((arg) => arg.replace(shownDir, dir));
      const result = await runNode([cliMain, ...args]);
      expect(result.code, `${command}\n${result.stderr}`).toBe(0);
      results.push(result);
    }
    const { records } = await readRunRecords(dir);
    expect(records).toHaveLength(6);
    for (const file of ['table.md', 'table.csv', 'table.tex', 'table.json', 'accuracy-vs-sparsity.svg', 'accuracy-vs-training-flops.svg', 'ablation.tex', 'figures/accuracy-vs-sparsity.svg', 'figures/accuracy-vs-training-flops.svg']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(join(dir, 'ablation.tex'), 'utf8')).toContain('\\toprule');
    // The printed table has the rows and FLOPs columns the tutorial shows; accuracies are as measured.
    const table = results[0]!.stdout.split('\n').filter((line) => line.startsWith('|'));
    const shown = shownOutput(page, '| method | sparsity |');
    const withoutAccuracy = (row: string) => row.replace(/\| [\d.]+( ± [\d.]+)? \| 1 \|/, '| _ | 1 |');
    expect(table.map(withoutAccuracy)).toEqual(shown.map(withoutAccuracy));
  });
});
