import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSystemError, isSystemError, shownPath, systemErrorWords } from './system-error.js';

function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('system errors in words', () => {
  it('says what happened, never the code or the absolute path Node puts in its message', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-errno-'));
    try {
      writeFileSync(join(dir, 'file'), '');
      const cases: Array<[() => unknown, string]> = [
        [() => readFileSync(join(dir, 'missing')), 'no such file or directory'],
        [() => readFileSync(dir), 'is a directory'],
        [() => readFileSync(join(dir, 'file', 'below')), 'not a directory'],
      ];
      for (const [f, words] of cases) {
        const e = thrownBy(f);
        expect(isSystemError(e)).toBe(true);
        expect(describeSystemError(e)).toBe(words);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('knows every errno code, and the few that are plainer said otherwise', () => {
    expect(systemErrorWords('EACCES')).toBe('permission denied');
    expect(systemErrorWords('EMFILE')).toBe('too many open files');
    expect(systemErrorWords('ELOOP')).toBe('too many levels of symbolic links');
    expect(systemErrorWords('ECONNREFUSED')).toBe('connection refused');
    expect(systemErrorWords('ENOTFOUND')).toBe('host not found');
    expect(systemErrorWords('ERR_INVALID_ARG_TYPE')).toBeUndefined();
  });

  it('any other error keeps its own first line', () => {
    expect(describeSystemError(Object.assign(new Error('bad header\nmore'), { code: 'ERR_SOMETHING' }))).toBe('bad header');
    expect(isSystemError(new Error('x'))).toBe(false);
    expect(describeSystemError('plain')).toBe('plain');
  });

  it('names a path as the user does: relative below the current directory, else as given', () => {
    expect(shownPath('/srv/project/a/b.yaml', '/srv/project')).toBe('a/b.yaml');
    expect(shownPath('/etc/x', '/srv/project')).toBe('/etc/x');
  });
});
