import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { DatabaseError } from './database.js';
import { describeSystemError } from '../core/system-error.js';

/** How long an import waits for another one to finish before giving up. */
export const DEFAULT_LOCK_WAIT_MS = 10 * 60_000;
const POLL_MS = 100;

/**
 * Holds `<db dir>.lock` while an import builds and swaps in a new database, so that two imports (two
 * `sanctum db update` in CI jobs sharing a cache) never read the same old records and swap in each
 * other's half: the second waits for the first, then builds on its result. The lock file is created
 * exclusively and names its holder's process id; a lock whose holder no longer runs (killed mid-import)
 * is taken over. Returns the release function.
 *
 * Hand-written rather than a lock library: the import is synchronous, so a lock kept fresh by a timer
 * (proper-lockfile's `update`) would look stale to other processes during a long import.
 */
export function acquireImportLock(dbDir: string, waitMs = DEFAULT_LOCK_WAIT_MS): () => void {
  const path = `${dbDir}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new DatabaseError(`cannot lock the database (${path}): ${describeSystemError(e)}`);
    }
    const holder = holderOf(path);
    if (holder !== undefined && !isRunning(holder)) {
      // Its holder died: nothing is being built any more.
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline)
      throw new DatabaseError(
        `another import${holder ? ` (process ${holder})` : ''} is updating the vulnerability database; try again when it has finished (or remove ${path} if no import runs)`,
      );
    sleep(POLL_MS);
  }
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
