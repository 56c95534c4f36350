import { rmSync } from 'node:fs';

/** Temporary directories in use now (an image walk's spooled files), removed if the process is told to stop. */
const live = new Set<string>();

/** Records a temporary directory in use until `releaseTempDir`. */
export function holdTempDir(dir: string): void {
  live.add(dir);
}

/** Forgets a temporary directory (its user removed it). */
export function releaseTempDir(dir: string): void {
  live.delete(dir);
}

/** The temporary directories in use. */
export function heldTempDirs(): string[] {
  return [...live];
}

/**
 * Until the returned function is called, SIGINT and SIGTERM remove the temporary directories in use,
 * then end the process as the signal would have (exit status 128 + its number). For commands that wait
 * on streams (an image pulled or read layer by layer): the handler runs between two chunks. A command
 * that scans synchronously would hold the signal until it finished, so it keeps no files by name instead.
 */
export function removeTempDirsOnSignal(): () => void {
  const stop = (signal: NodeJS.Signals): void => {
    off();
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
    live.clear();
    process.kill(process.pid, signal);
  };
  const off = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return off;
}
