import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireOutLock, LOCK_FILE, OutLockedError } from '../out-lock.js';

const dir = () => mkdtempSync(join(tmpdir(), 'topiary-lock-'));

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
}

describe('the output-folder lock', () => {
  it('holds pid, host and suite; a second taker is refused with the holder named; release frees it', () => {
    const out = dir();
    const lock = acquireOutLock(out, { suite: 'smoke' });
    const held = JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8'));
    expect(held).toMatchObject({ pid: process.pid, host: hostname(), suite: 'smoke' });
    let error: unknown;
    try {
      acquireOutLock(out);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutLockedError);
    expect((error as Error).message).toMatch(new RegExp(`held by topiary bench pid ${process.pid} on this host .*since .* \\(suite smoke\\)`));
    lock.release();
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    acquireOutLock(out).release();
  });

  it('takes over the lock of a dead process on this host (a bench killed with SIGKILL)', () => {
    const out = dir();
    const pid = deadPid();
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const lock = acquireOutLock(out);
    expect(lock.tookOverStale).toMatchObject({ pid });
    expect(JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('refuses a lock held on another host (its liveness cannot be checked) and an unreadable one', () => {
    const out = dir();
    writeFileSync(join(out, LOCK_FILE), JSON.stringify({ pid: 1, host: 'other-machine', since: '2026-01-01T00:00:00.000Z' }));
    expect(() => acquireOutLock(out)).toThrow(/pid 1 on host other-machine/);
    writeFileSync(join(out, LOCK_FILE), 'garbage');
    expect(() => acquireOutLock(out)).toThrow(/unreadable lock file/);
  });
});
