// The kernel threads never keep a process alive: a process that starts them, uses them and returns ends by itself.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('the sparse kernel threads', () => {
  it('let a process that used them end without being stopped', () => {
    // execFileSync throws when the child fails or is still running after the timeout
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--conditions=@topiary/source', join(here, 'threads-child.ts')], {
      encoding: 'utf8',
      timeout: 60_000,
      cwd: join(here, '..', '..', '..'),
    });
    const report = JSON.parse(output.trim().split('\n').at(-1)!) as { threads: number; note: string | null; sum: number };
    expect(report.threads).toBe(2);
    expect(report.note).toBeNull();
    expect(Number.isFinite(report.sum)).toBe(true);
  }, 90_000);
});
