import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates the missing directories above a file about to be written, one at a time:
 * `mkdirSync(…, { recursive: true })` answers EEXIST when a file stands in the way, and never
 * returns for a path under /proc (Node 20). A file in the way is ENOTDIR, as `open` says it.
 */
export function makeParentDirs(path: string): void {
  const missing: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    let st;
    try {
      st = statSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw e;
      missing.push(dir);
      continue;
    }
    if (!st.isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    break;
  }
  for (const dir of missing.reverse()) mkdirSync(dir);
}
