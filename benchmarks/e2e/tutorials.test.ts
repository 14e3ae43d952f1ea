// The tutorials in docs/tutorials, kept true: every code file a tutorial shows is included in it verbatim, and
// each is run here the way the tutorial runs it (scripts and the `topiary` CLI as their own processes, started
// as the root `pnpm topiary` script starts them). The conformance test of tutorial 2 runs as its own test file.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRunRecords } from '@topiary/bench';
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
  const child = spawn(process.execPath, [...node, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
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

  it('2: a user drop criterion resolves through the registry, and a suite naming it is refused', { timeout: 120_000 }, async () => {
    const page = read('docs/tutorials/02-own-criterion.md');
    const script = await runNode(['benchmarks/tutorials/own-criterion.ts']);
    expect(script.code, script.stderr).toBe(0);
    const printed = outputLines(script.stdout);
    const shown = shownOutput(page, 'RigL:');
    const measured = (line: string) => line.replace(/last loss [\d.]+/, 'last loss').replace(/exploration [\d.]+%/, 'exploration');
    expect(printed.map(measured)).toEqual(shown.map(measured));
    expect(printed[1]).toMatch(/^RigL, unit-relative drop: drop unit-relative, .*sparsity 90\.00%/);

    const out = join(mkdtempSync(join(tmpdir(), 'topiary-tutorial-2-')), 'out');
    const bench = await runNode([cliMain, 'bench', 'benchmarks/tutorials/own-criterion-suite.json', '--out', out]);
    expect(bench.code).toBe(2);
    const refusal = outputLines(bench.stderr);
    expect(refusal.length).toBeGreaterThan(1);
    const shownRefusal = shownOutput(page, '$ pnpm topiary bench benchmarks/tutorials/own-criterion-suite.json');
    for (const line of refusal) expect(shownRefusal).toContain(line);
    expect(existsSync(join(out, 'runs.jsonl'))).toBe(false);
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
