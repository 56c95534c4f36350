import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The root of the Git work tree that holds `dir`: the nearest directory at or above it with a `.git` entry (a directory, or a file in worktrees and submodules). */
export function workTreeRoot(dir: string): string | undefined {
  for (let d = resolve(dir); ; ) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}
