import { rmSync } from 'node:fs';

/** Temporary directories in use now (an image walk's spooled files), removed if the CLI is told to stop. */
const live = new Set<string>();

/**
 * Records a temporary directory in use until `releaseTempDir`. Nothing listens for signals here: a
 * library caller's process keeps its own signal behaviour. The CLI removes the directories held when
 * it is interrupted (`removeHeldTempDirs`, from its SIGINT and SIGTERM listeners: cli/interrupts.ts).
 */
export function holdTempDir(dir: string): void {
  live.add(dir);
}

/** Forgets a temporary directory (its user removed it). */
export function releaseTempDir(dir: string): void {
  live.delete(dir);
}

/** Removes the temporary directories held now: the process is about to end on a signal. */
export function removeHeldTempDirs(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}
