import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync, linkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file a running bench holds in its output folder. */
export const LOCK_FILE = '.topiary-bench.lock';

/** Who holds an output folder. */
export interface LockHolder {
  /** Process id of the holding bench. */
  readonly pid: number;
  /** Host name of the machine it runs on. */
  readonly host: string;
  /** When it took the lock, ISO 8601. */
  readonly since: string;
  /** The suite it runs. */
  readonly suite?: string;
}

/** Another live bench holds the output folder (or one on another host, whose liveness cannot be checked here). */
export class OutLockedError extends Error {
  /** The holder as written in the lock file. */
  readonly holder: LockHolder;

  /** Builds the message naming the holder and the lock file. */
  constructor(file: string, holder: LockHolder) {
    const where = holder.host === hostname() ? `pid ${holder.pid} on this host (${holder.host})` : `pid ${holder.pid} on host ${holder.host}`;
    super(
      `${file} is held by topiary bench ${where} since ${holder.since}${holder.suite ? ` (suite ${holder.suite})` : ''}: ` +
        'two benches on one --out would run the same grid twice; wait for it to finish, use another --out (and `topiary merge`), ' +
        'or delete the lock file if that process is gone',
    );
    this.name = 'OutLockedError';
    this.holder = holder;
  }
}

/** A held output-folder lock. */
export interface OutLock {
  /** The lock file. */
  readonly file: string;
  /** Whether a stale lock (its holder dead) was taken over. */
  readonly tookOverStale?: LockHolder;
  /** Removes the lock file (if it is still ours). */
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): { text: string; holder: LockHolder | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (Number.isInteger(value.pid) && typeof value.host === 'string' && typeof value.since === 'string') return { text, holder: value as LockHolder };
  } catch {
    // a lock being written, or garbage: treated as held by an unknown process below
  }
  return { text, holder: undefined };
}

/**
 * Takes the lock of a bench output folder: `DIR/.topiary-bench.lock` holding the pid, host and start time,
 * created atomically (write a private file, then hard-link it into place). A lock whose holder ran on this host
 * and is no longer alive (a bench killed with SIGKILL) is taken over; a live holder, or one on another host,
 * makes this throw an {@link OutLockedError} that names it.
 */
export function acquireOutLock(dir: string, info: { readonly suite?: string } = {}): OutLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(info.suite !== undefined ? { suite: info.suite } : {}) };
  const text = `${JSON.stringify(mine)}\n`;
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  let tookOverStale: LockHolder | undefined;
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(temp, file);
        return {
          file,
          ...(tookOverStale ? { tookOverStale } : {}),
          release: () => {
            if (readHolder(file)?.text === text) unlinkSync(file);
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const current = readHolder(file);
      if (current === undefined) continue; // released meanwhile
      const holder = current.holder;
      if (holder === undefined) throw new OutLockedError(file, { pid: -1, host: 'unknown (unreadable lock file)', since: 'unknown' });
      if (holder.host !== hostname() || isAlive(holder.pid)) throw new OutLockedError(file, holder);
      // Stale: move it aside atomically so that only one bench takes it over, then check that it was the stale one.
      const aside = `${file}.${process.pid}.stale`;
      try {
        renameSync(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = readHolder(aside);
      if (moved?.text !== current.text) {
        // another bench took over in between and we moved its fresh lock: put it back and look again
        try {
          linkSync(aside, file);
        } catch {
          // a third bench holds it now; the loop reports it
        }
      } else {
        tookOverStale = holder;
      }
      unlinkSync(aside);
    }
    throw new Error(`could not take ${file} after 5 attempts (other benches keep taking it)`);
  } finally {
    unlinkSync(temp);
  }
}
