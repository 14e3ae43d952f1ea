import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { GitState } from '../results/run-record.js';

function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return undefined;
  }
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The commit checked out in the git work tree holding `dir` and whether that tree has changes
 * (`git status --porcelain`, untracked files included); changes under `ignore` (the bench's own output folder,
 * which it writes into) do not count. Undefined when `dir` is not in a git work tree or git is not installed.
 */
export function readGitState(dir: string, options: { readonly ignore?: string } = {}): GitState | undefined {
  const commit = git(dir, ['rev-parse', 'HEAD'])?.trim();
  if (commit === undefined || !/^[0-9a-f]{40,64}$/.test(commit)) return undefined;
  const top = git(dir, ['rev-parse', '--show-toplevel'])?.trim();
  const status = git(dir, ['status', '--porcelain', '--untracked-files=all']);
  if (top === undefined || status === undefined) return undefined;
  let ignored: string | undefined;
  if (options.ignore !== undefined) {
    const rel = relative(realOrResolved(top), realOrResolved(options.ignore)).split('\\').join('/');
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) ignored = `${rel}/`;
  }
  const changed = status
    .split('\n')
    .filter((line) => line.length > 3)
    // "XY path" or "XY from -> to"; paths are relative to the top of the work tree, quoted when unusual
    .map((line) => line.slice(3).split(' -> ').pop()!.replace(/^"|"$/g, ''))
    .filter((path) => ignored === undefined || !(path.startsWith(ignored) || `${path}/` === ignored));
  return { commit, dirty: changed.length > 0 };
}
