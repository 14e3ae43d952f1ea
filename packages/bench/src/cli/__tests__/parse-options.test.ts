import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchVersion, createProgram } from '../main.js';
import { collect, commaList, positiveInteger } from '../parse-options.js';

describe('CLI option parsers', () => {
  it('accepts positive whole numbers only', () => {
    expect(positiveInteger('3')).toBe(3);
    expect(() => positiveInteger('0')).toThrow(/positive whole number, got "0"/);
    expect(() => positiveInteger('1.5')).toThrow(/positive whole number/);
  });

  it('splits comma lists and refuses empty ones', () => {
    expect(commaList('method, sparsity,,seed')).toEqual(['method', 'sparsity', 'seed']);
    expect(() => commaList(' , ')).toThrow(/at least one row/);
  });
});

describe('createProgram', () => {
  it('has the bench, table, plot, merge and compare commands', () => {
    expect(createProgram().commands.map((c) => c.name())).toEqual(['bench', 'table', 'plot', 'merge', 'compare', 'logs']);
  });

  it('parses --log-steps on bench and compare, off by default', () => {
    for (const name of ['bench', 'compare']) {
      const command = createProgram().commands.find((c) => c.name() === name)!;
      command.exitOverride().action(() => {});
      command.parse(['suite.json', '--out', 'o', '--log-steps'], { from: 'user' });
      expect(command.opts()).toMatchObject({ out: 'o', logSteps: true });
      const plain = createProgram().commands.find((c) => c.name() === name)!;
      plain.exitOverride().action(() => {});
      plain.parse(['suite.json', '--out', 'o'], { from: 'user' });
      expect(plain.opts()['logSteps']).toBeUndefined();
    }
  });

  it('collects every --plugin on bench and compare, in order', () => {
    expect(collect('b.mjs', collect('a.mjs', undefined))).toEqual(['a.mjs', 'b.mjs']);
    for (const name of ['bench', 'compare']) {
      const command = createProgram().commands.find((c) => c.name() === name)!;
      command.exitOverride().action(() => {});
      command.parse(['suite.json', '--out', 'o', '--plugin', 'a.mjs', '--plugin', '../b.ts'], { from: 'user' });
      expect(command.opts()['plugin']).toEqual(['a.mjs', '../b.ts']);
    }
  });

  it('refuses a log export format it does not know, and needs --out', async () => {
    const program = createProgram().exitOverride();
    const logs = program.commands.find((c) => c.name() === 'logs')!;
    for (const command of [logs, ...logs.commands]) command.exitOverride().configureOutput({ writeErr: () => {} });
    await expect(program.parseAsync(['node', 'topiary', 'logs', 'export', 'dir', '--out', 'x', '--format', 'xlsx'])).rejects.toThrow(/xlsx.*Allowed choices are csv, tfevents/);
    await expect(program.parseAsync(['node', 'topiary', 'logs', 'export', 'dir'])).rejects.toThrow(/required option '-o, --out <dir>'/);
  });

  it('refuses a table format it does not know', async () => {
    const program = createProgram().exitOverride();
    for (const command of program.commands) command.exitOverride().configureOutput({ writeErr: () => {} });
    await expect(program.parseAsync(['node', 'topiary', 'table', 'dir', '--format', 'xlsx'])).rejects.toThrow(/xlsx.*Allowed choices are md, csv, tex, json/);
  });

  it('prints the version of @topiary/bench for --version and -V', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(manifest.name).toBe('@topiary/bench');
    expect(benchVersion()).toBe(manifest.version);
    for (const flag of ['--version', '-V']) {
      let printed = '';
      const program = createProgram().exitOverride().configureOutput({ writeOut: (text) => (printed += text) });
      await expect(program.parseAsync(['node', 'topiary', flag])).rejects.toMatchObject({ code: 'commander.version' });
      expect(printed).toBe(`${manifest.version}\n`);
    }
  });
});
