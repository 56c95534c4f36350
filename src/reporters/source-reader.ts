import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';

/** Largest file a report reads back for snippets. */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/** Reads scanned files back (relative to `cwd`) for reports that show snippets; binary, huge or unreadable files give undefined. */
export function sourceReader(cwd: string): (path: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (path) => {
    if (cache.has(path)) return cache.get(path);
    let text: string | undefined;
    let fd: number | undefined;
    try {
      fd = openSync(resolve(cwd, path), 'r');
      const st = fstatSync(fd);
      if (st.isFile() && st.size <= MAX_SOURCE_BYTES) {
        const buf = Buffer.alloc(st.size);
        const n = readSync(fd, buf, 0, st.size, 0);
        const bytes = buf.subarray(0, n);
        if (!bytes.subarray(0, 8192).includes(0)) text = bytes.toString('utf8').replace(/^\uFEFF/, '');
      }
    } catch {
      text = undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    // Only the last file is kept: the report reads files one after another.
    cache.clear();
    cache.set(path, text);
    return text;
  };
}
