import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { DiskSourceFile } from '../core/source-file.js';

export interface WalkOptions {
  cwd?: string;
  /** Extra path globs (gitignore syntax) to leave out. */
  exclude?: readonly string[];
  onError(path: string, message: string): void;
}

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);
const IGNORE_FILES = ['.gitignore', '.sanctumignore'];

interface IgnoreScope {
  /** Directory the patterns are relative to. */
  dir: string;
  ig: Ignore;
}

/** Display path: relative to the current directory, `/`-separated. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  const p = rel === '' ? '.' : rel;
  return sep === '/' ? p : p.split(sep).join('/');
}

/**
 * Yields the files under each target. Respects `.gitignore` and `.sanctumignore` at every level,
 * skips VCS and `node_modules` directories unless named as the target, never follows a symlink
 * out of its target, and survives symlink loops.
 */
export function* walkTargets(targets: readonly string[], opts: WalkOptions): Generator<DiskSourceFile> {
  const cwd = opts.cwd ?? process.cwd();
  for (const target of targets) {
    const abs = resolve(cwd, target);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (e) {
      opts.onError(displayPath(abs, cwd), `cannot read target: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      continue;
    }
    if (st.isFile()) {
      yield new DiskSourceFile(displayPath(abs, cwd), abs, st.size);
      continue;
    }
    if (!st.isDirectory()) continue;
    let root: string;
    try {
      root = realpathSync(abs);
    } catch {
      root = abs;
    }
    const base: IgnoreScope[] = [];
    if (opts.exclude?.length) base.push({ dir: abs, ig: ignore().add([...opts.exclude]) });
    yield* walkDir(abs, root, cwd, base, new Set([root]), opts);
  }
}

function loadIgnores(dir: string, scopes: IgnoreScope[]): IgnoreScope[] {
  let next = scopes;
  for (const name of IGNORE_FILES) {
    let content: string;
    try {
      content = readFileSync(join(dir, name), 'utf8');
    } catch {
      continue;
    }
    if (next === scopes) next = [...scopes];
    next.push({ dir, ig: ignore().add(content) });
  }
  return next;
}

function ignored(scopes: IgnoreScope[], abs: string, isDir: boolean): boolean {
  for (const s of scopes) {
    let rel = relative(s.dir, abs);
    if (rel === '' || rel.startsWith('..')) continue;
    if (sep !== '/') rel = rel.split(sep).join('/');
    if (s.ig.ignores(isDir ? rel + '/' : rel)) return true;
  }
  return false;
}

function inside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

function* walkDir(
  dir: string,
  root: string,
  cwd: string,
  parentScopes: IgnoreScope[],
  visited: Set<string>,
  opts: WalkOptions,
): Generator<DiskSourceFile> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    opts.onError(displayPath(dir, cwd), `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return;
  }
  const scopes = loadIgnores(dir, parentScopes);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const abs = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let size = -1;
    if (entry.isSymbolicLink()) {
      let real: string;
      try {
        real = realpathSync(abs);
      } catch {
        opts.onError(displayPath(abs, cwd), 'broken symbolic link; not scanned');
        continue;
      }
      if (!inside(root, real)) {
        opts.onError(displayPath(abs, cwd), 'symbolic link points outside the scanned directory; not followed');
        continue;
      }
      const st = statSync(real);
      isDir = st.isDirectory();
      isFile = st.isFile();
      size = st.size;
      if (isDir) {
        if (visited.has(real)) {
          opts.onError(displayPath(abs, cwd), 'symbolic link loop; not followed');
          continue;
        }
      }
    }
    if (isDir) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      if (ignored(scopes, abs, true)) continue;
      let real = abs;
      try {
        real = realpathSync(abs);
      } catch {
        /* keep abs */
      }
      if (visited.has(real) && !entry.isSymbolicLink()) continue;
      const nextVisited = new Set(visited).add(real);
      yield* walkDir(abs, root, cwd, scopes, nextVisited, opts);
    } else if (isFile) {
      if (IGNORE_FILES.includes(basename(abs))) continue;
      if (ignored(scopes, abs, false)) continue;
      if (size < 0) {
        try {
          size = lstatSync(abs).size;
        } catch (e) {
          opts.onError(displayPath(abs, cwd), `cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
          continue;
        }
      }
      yield new DiskSourceFile(displayPath(abs, cwd), abs, size);
    }
  }
}
