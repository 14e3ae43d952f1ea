import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { makeRecord } from '../../results/__tests__/make-record.js';
import { createProgram } from '../main.js';
import { plotFormatList, pngScale } from '../plot-command.js';

function command(name: string) {
  const program = createProgram().exitOverride();
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeErr: () => {} });
  return { program, sub: program.commands.find((c) => c.name() === name)! };
}

describe('plot options', () => {
  it('parses comma-separated formats and refuses unknown ones, naming them and what is allowed', () => {
    expect(plotFormatList('svg, PNG,pdf,png')).toEqual(['svg', 'png', 'pdf']);
    expect(() => plotFormatList('svg,gif')).toThrow('unknown format "gif"; allowed are svg, png, pdf, comma-separated (e.g. svg,png,pdf)');
    expect(() => plotFormatList(',')).toThrow(/no format given; allowed are svg, png, pdf/);
    expect(pngScale('3')).toBe(3);
    expect(() => pngScale('0')).toThrow(/number in \(0, 16\].*got "0"/);
  });

  it('defaults to SVG in the default style on plot and compare', () => {
    for (const name of ['plot', 'compare']) {
      const { sub } = command(name);
      sub.action(() => {});
      sub.parse(name === 'plot' ? ['dir'] : ['suite.json', '--out', 'o'], { from: 'user' });
      expect(sub.opts()).toMatchObject({ format: ['svg'], style: 'default', pngScale: 2 });
    }
  });

  it('takes --format, --style paper and --png-scale on plot and compare', () => {
    for (const name of ['plot', 'compare']) {
      const { sub } = command(name);
      sub.action(() => {});
      const args = ['--format', 'png,pdf', '--style', 'paper', '--png-scale', '4'];
      sub.parse(name === 'plot' ? ['dir', ...args] : ['suite.json', '--out', 'o', ...args], { from: 'user' });
      expect(sub.opts()).toMatchObject({ format: ['png', 'pdf'], style: 'paper', pngScale: 4 });
    }
  });

  it('gives errors naming the flag, the value and what is allowed', async () => {
    const { program } = command('plot');
    await expect(program.parseAsync(['node', 'topiary', 'plot', 'dir', '--format', 'svg,jpeg'])).rejects.toThrow(
      /option '-f, --format <list>' argument 'svg,jpeg' is invalid\. unknown format "jpeg"; allowed are svg, png, pdf/,
    );
    await expect(command('plot').program.parseAsync(['node', 'topiary', 'plot', 'dir', '--style', 'fancy'])).rejects.toThrow(
      /option '--style <name>' argument 'fancy' is invalid\. Allowed choices are default, paper/,
    );
    await expect(command('compare').program.parseAsync(['node', 'topiary', 'compare', 's.json', '-o', 'o', '--style', 'x'])).rejects.toThrow(
      /'--style <name>' argument 'x' is invalid\. Allowed choices are default, paper/,
    );
  });
});

describe('topiary plot', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes PNG and PDF plots in the paper style', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'topiary-plot-cli-'));
    dirs.push(dir);
    const records = ['rigl', 'set'].flatMap((method, m) =>
      [0.9, 0.95].map((sparsity, s) => makeRecord({ method, sparsity, seed: 0, accuracy: 0.85 - 0.01 * m - 0.02 * s, index: m * 2 + s })),
    );
    await writeFile(join(dir, 'runs.jsonl'), records.map((record) => JSON.stringify(record)).join('\n') + '\n');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await createProgram().parseAsync(['node', 'topiary', 'plot', dir, '--out', join(dir, 'plots'), '--format', 'png,pdf', '--style', 'paper']);
    } finally {
      write.mockRestore();
    }
    expect((await readdir(join(dir, 'plots'))).sort()).toEqual([
      'accuracy-vs-sparsity.pdf',
      'accuracy-vs-sparsity.png',
      'accuracy-vs-training-flops.pdf',
      'accuracy-vs-training-flops.png',
    ]);
  });
});
