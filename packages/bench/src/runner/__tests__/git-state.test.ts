import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGitState } from '../git-state.js';

describe('readGitState', () => {
  it('reads the commit and whether the tree is dirty, ignoring changes under the output folder', () => {
    const repo = mkdtempSync(join(tmpdir(), 'topiary-git-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo, encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(repo, 'model.ts'), 'export {};\n');
    git('add', 'model.ts');
    git('commit', '-q', '-m', 'one');
    const commit = git('rev-parse', 'HEAD').trim();
    expect(readGitState(repo)).toEqual({ commit, dirty: false });
    mkdirSync(join(repo, 'results', 'quick'), { recursive: true });
    writeFileSync(join(repo, 'results', 'quick', 'runs.jsonl'), '{}\n');
    expect(readGitState(repo)).toEqual({ commit, dirty: true });
    expect(readGitState(join(repo, 'results'), { ignore: join(repo, 'results', 'quick') })).toEqual({ commit, dirty: false });
    writeFileSync(join(repo, 'model.ts'), 'export const changed = 1;\n');
    expect(readGitState(repo, { ignore: join(repo, 'results', 'quick') })).toEqual({ commit, dirty: true });
  });

  it('is undefined outside a git work tree and in a repository without commits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topiary-nogit-'));
    expect(readGitState(dir)).toBeUndefined();
    execFileSync('git', ['init', '-q'], { cwd: dir });
    expect(readGitState(dir)).toBeUndefined();
    expect(readGitState(join(dir, 'missing'))).toBeUndefined();
  });
});
