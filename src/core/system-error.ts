import { getSystemErrorMap } from 'node:util';
import { isAbsolute, relative, sep } from 'node:path';

/** Where libuv's words differ from what `ls`, `cat` and `curl` say, or the code is not an errno (getaddrinfo's). */
const PLAINER: Readonly<Record<string, string>> = {
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  ENAMETOOLONG: 'file name too long',
  EEXIST: 'already exists',
  ENOTFOUND: 'host not found',
  EAI_NONAME: 'host not found',
  EAI_AGAIN: 'temporary failure in name resolution',
};

let words: Map<string, string> | undefined;

/** The words for a system error code (`ENOENT` → "no such file or directory"); undefined for a code that is not one. */
export function systemErrorWords(code: string): string | undefined {
  if (!words) {
    words = new Map();
    for (const [name, message] of getSystemErrorMap().values()) words.set(name, message);
    for (const [name, message] of Object.entries(PLAINER)) words.set(name, message);
  }
  return words.get(code);
}

/**
 * What a failed file or network operation means, in words ("no such file or directory", "permission
 * denied", "is a directory"), for a message that names the path as the user gave it: never Node's
 * message, which leads with the bare code and ends with the absolute path. Any other error: its message.
 */
export function describeSystemError(e: unknown): string {
  const code = (e as { code?: unknown } | undefined)?.code;
  const known = typeof code === 'string' ? systemErrorWords(code) : undefined;
  if (known) return known;
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/** True for an error of the file system or the network that carries a system error code. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && systemErrorWords(code) !== undefined;
}

/** A file as messages name it: relative to the current directory when it is below it (as the user names it there), else as it is. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
}
