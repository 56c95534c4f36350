import { rmSync } from 'node:fs';

/** Temporary directories in use now (an image walk's spooled files), removed if the process is told to stop. */
const live = new Set<string>();
let listening = false;

/**
 * SIGINT or SIGTERM while a temporary directory is held removes the directories in use, then ends the
 * process as the signal would have (exit status 128 + its number).
 */
function stop(signal: NodeJS.Signals): void {
  unlisten();
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
  process.kill(process.pid, signal);
}

function unlisten(): void {
  if (!listening) return;
  listening = false;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}

/**
 * Records a temporary directory in use until `releaseTempDir`. While one is held, SIGINT and SIGTERM
 * remove them all and end the process (the handler runs between two chunks of the awaited spooling);
 * with none held the signals keep their default behaviour, which ends the process at once, also in the
 * middle of synchronous scanning.
 */
export function holdTempDir(dir: string): void {
  live.add(dir);
  if (listening) return;
  listening = true;
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Forgets a temporary directory (its user removed it). Once none is held, the listeners go after the
 * event loop has polled once more, so that a signal that came during synchronous work is handled first:
 * libuv has already caught it (its byte waits in libuv's signal pipe, read in the poll phase), and with
 * no listener left when it is read it would be dropped and the command would carry on. One
 * `setImmediate` is not enough: released from an I/O callback (the poll phase), it runs in that same
 * turn's check phase, before the next poll; the second one runs after it.
 */
export function releaseTempDir(dir: string): void {
  live.delete(dir);
  if (live.size === 0 && listening) setImmediate(() => setImmediate(unlistenIfNoneHeld));
}

function unlistenIfNoneHeld(): void {
  if (live.size === 0) unlisten();
}
