import { workTreeRoot } from '../core/work-tree.js';
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type ignoreFactory from 'ignore';
import type { Ignore } from 'ignore';
import { lazyModule } from '../core/lazy-module.js';
import { annotateFile, DiskSourceFile, markWalked, type FileReadError } from '../core/source-file.js';
import { describeSystemError } from '../core/system-error.js';

export interface WalkOptions {
  cwd?: string;
  /** Extra path globs (gitignore syntax) to leave out, relative to each directory target. */
  exclude?: readonly string[];
  /** Scan what `.gitignore` and `.sanctumignore` leave out too (Docker build contexts); excludes still apply. */
  includeIgnored?: boolean;
  /** Only files of these names, not opened (their size 0): a look ahead of the walk that finds them. */
  names?: ReadonlySet<string>;
  onError(path: string, message: string): void;
}

/** The gitignore matcher loads when a directory has an ignore file or the scan has excludes. */
const ignoreLib = lazyModule<typeof ignoreFactory>('ignore');
const ignore = (): Ignore => ignoreLib()();

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

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/**
 * Yields the files under each target. Respects `.gitignore` and `.sanctumignore` at every level
 * (deeper files and `.sanctumignore` take precedence, `!pattern` re-includes), skips VCS and
 * `node_modules` directories unless named as the target, and never follows a symbolic link found
 * inside a target: a link that stays inside the target is skipped because its destination is
 * scanned at its own path; links that leave the target, loop, or dangle are reported.
 */
export function* walkTargets(targets: readonly string[], opts: WalkOptions): Generator<DiskSourceFile> {
  const cwd = opts.cwd ?? process.cwd();
  // Overlapping targets (`scan k8s k8s/a.yaml`) yield each file once.
  const seen = new Set<string>();
  for (const file of walkEach(targets, cwd, opts)) {
    if (seen.has(file.absPath)) continue;
    seen.add(file.absPath);
    yield file;
  }
}

function* walkEach(targets: readonly string[], cwd: string, opts: WalkOptions): Generator<DiskSourceFile> {
  for (const target of targets) {
    const abs = resolve(cwd, target);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (e) {
      opts.onError(displayPath(abs, cwd), `cannot read target: ${describeSystemError(e)}`);
      continue;
    }
    if (st.isFile()) {
      // A look ahead by names (`names`) takes a named file only when it is one of them, as the walk of a directory does.
      if (opts.names && !opts.names.has(basename(abs))) continue;
      const file = new DiskSourceFile(displayPath(abs, cwd), abs, st.size);
      annotateFile(file, 'namedTarget', true);
      yield file;
      continue;
    }
    if (!st.isDirectory()) {
      opts.onError(displayPath(abs, cwd), 'not a regular file or directory; not scanned');
      continue;
    }
    let root: string;
    try {
      root = realpathSync(abs);
    } catch {
      root = abs;
    }
    // Excludes are relative to the scanned directory, as a .gitignore at its top would be.
    const exclude = opts.exclude?.length ? [{ dir: abs, ig: ignore().add([...opts.exclude]) }] : [];
    let inherited = opts.includeIgnored ? [] : ancestorScopes(abs, cwd, opts);
    // A target named explicitly is scanned even when the repository ignores it.
    if (ignored(inherited, abs, true)) inherited = [];
    const tracked = opts.includeIgnored ? undefined : trackedFiles(abs);
    yield* walkDir(abs, root, cwd, { exclude, scopes: inherited, tracked }, opts);
  }
}

/**
 * Inside a Git work tree, files Git tracks are scanned even when an ignore file matches them: the
 * absolute paths of the tracked files under `dir` and of the directories that hold them, from
 * `git ls-files` (run by argument vector). Undefined outside a work tree or without git: the
 * ignore files alone decide.
 */
function trackedFiles(dir: string): Set<string> | undefined {
  let out: Buffer;
  try {
    out = execFileSync('git', ['-C', dir, 'ls-files', '-z', '--cached', '--full-name', '--', '.'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
      timeout: 30_000,
    });
  } catch {
    return undefined;
  }
  let top: string;
  try {
    top = execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      encoding: 'utf8',
      timeout: 30_000,
    }).trim();
    top = realpathSync(top);
  } catch {
    return undefined;
  }
  const realDir = realpathSync(dir);
  const set = new Set<string>();
  for (const rel of out.toString('utf8').split('\0')) {
    if (!rel) continue;
    // Paths are reported under the real path of the work tree; walk paths use the target as given.
    let p = join(top, rel);
    if (realDir !== dir && inside(realDir, p)) p = join(dir, relative(realDir, p));
    set.add(p);
    for (let d = dirname(p); d.length > dir.length && !set.has(d); d = dirname(d)) set.add(d);
  }
  return set;
}

/** Both ignore files of a directory form one scope, `.sanctumignore` last so that its patterns win. */
function loadIgnores(dir: string, scopes: IgnoreScope[], cwd: string, opts: WalkOptions): IgnoreScope[] {
  let ig: Ignore | undefined;
  for (const name of IGNORE_FILES) {
    let content: string;
    try {
      content = readFileSync(join(dir, name), 'utf8');
    } catch (e) {
      if (code(e) !== 'ENOENT') opts.onError(displayPath(join(dir, name), cwd), `cannot read ignore file: ${describeSystemError(e)}`);
      continue;
    }
    if (name === '.sanctumignore') reportRuleIds(content, displayPath(join(dir, name), cwd), opts);
    ig = (ig ?? ignore()).add(content);
  }
  return ig ? [...scopes, { dir, ig }] : scopes;
}

/**
 * Rule ids of Sanctum (`K8S-0003`), Trivy (`AVD-KSV-0001`, `KSV001`), Checkov (`CKV_K8S_20`) or
 * Kubescape (`C-0017`) on a line of their own: what a `.trivyignore` or skip list holds.
 */
const RULE_ID_LINE = /^\s*(?:[A-Z][A-Z0-9]{1,4}-\d{4}|AVD-[A-Z]+-\d{4}|KSV\d{3}|CKV2?_[A-Z0-9]+_\d+|C-\d{4})\s*$/;

/** `.sanctumignore` holds paths: a rule id there ignores no rule, so the user is told once per file. */
function reportRuleIds(content: string, path: string, opts: WalkOptions): void {
  const lines = content.split(/\r?\n/);
  const found = lines.flatMap((line, i) => (RULE_ID_LINE.test(line) ? [i + 1] : []));
  if (found.length === 0) return;
  const first = found[0];
  const more = found.length > 1 ? ` (and ${found.length - 1} more line${found.length > 2 ? 's' : ''} like it)` : '';
  opts.onError(
    path,
    `line ${first}: '${lines[first - 1].trim()}' looks like a rule id${more}, but .sanctumignore lists paths (gitignore syntax) and ignores no rule; ` +
      "to suppress a rule use 'ignore:' in .sanctum.yaml or a 'sanctum:ignore' comment (docs/configuration.md)",
  );
}

/**
 * The ignore files above a directory target, from the root of its Git repository down: scanning
 * `repo/k8s` honours `repo/.gitignore`. Outside a repository no file above the target is read.
 */
function ancestorScopes(abs: string, cwd: string, opts: WalkOptions): IgnoreScope[] {
  const root = workTreeRoot(abs);
  if (root === undefined || root === abs) return [];
  const dirs: string[] = [];
  for (let d = dirname(abs); ; d = dirname(d)) {
    dirs.push(d);
    if (d === root) break;
  }
  let scopes: IgnoreScope[] = [];
  for (const d of dirs.reverse()) scopes = loadIgnores(d, scopes, cwd, opts);
  return scopes;
}

/** Git semantics: the deepest ignore file with a matching pattern decides; within one file the last match wins. */
function ignored(scopes: IgnoreScope[], abs: string, isDir: boolean): boolean {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i];
    let rel = within(s.dir, abs) ? abs.slice(s.dir.length + 1) : relative(s.dir, abs);
    if (rel === '' || rel.startsWith('..')) continue;
    if (sep !== '/') rel = rel.split(sep).join('/');
    const r = s.ig.test(isDir ? rel + '/' : rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

/** True when `abs` lies below `dir` (both resolved): its path relative to `dir` is what follows `dir/`. */
function within(dir: string, abs: string): boolean {
  return sep === '/' && abs.length > dir.length + 1 && abs.startsWith(dir) && abs[dir.length] === '/' && dir !== '/';
}

function inside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Reports what a symbolic link inside the target is, if it needs reporting; never follows it. */
function checkLink(abs: string, dirReal: string, root: string, cwd: string, opts: WalkOptions): void {
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (e) {
    const c = code(e);
    if (c === 'ELOOP') opts.onError(displayPath(abs, cwd), 'symbolic link loop; not followed');
    else if (c === 'ENOENT' || c === 'ENOTDIR')
      opts.onError(displayPath(abs, cwd), 'broken symbolic link (its destination does not exist); not scanned');
    else opts.onError(displayPath(abs, cwd), `cannot resolve symbolic link: ${describeSystemError(e)}; not scanned`);
    return;
  }
  if (!inside(root, real)) {
    opts.onError(displayPath(abs, cwd), 'symbolic link points outside the scanned directory; not followed');
    return;
  }
  // A link to the directory it sits in, or to one above it, would walk the same tree forever.
  if (inside(real, dirReal))
    opts.onError(displayPath(abs, cwd), 'symbolic link loop (it points to a directory that contains it); not followed');
}

function entryType(entry: Dirent, abs: string): 'dir' | 'file' | 'link' | 'other' {
  if (entry.isSymbolicLink()) return 'link';
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  if (entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice()) return 'other';
  // File systems that do not report entry types: ask.
  try {
    const st = lstatSync(abs);
    return st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

/**
 * A name that is not valid UTF-8 (a Latin-1 `café.yaml`) is read back with U+FFFD in place of the
 * bad bytes, and no file has that name: it cannot be opened by the path the walk knows.
 */
function unreachableName(name: string, abs: string): boolean {
  if (!name.includes('\uFFFD')) return false;
  try {
    lstatSync(abs);
    return false;
  } catch {
    return true;
  }
}

interface Filters {
  /** Configured excludes: nothing re-includes what they leave out. */
  exclude: IgnoreScope[];
  /** Ignore files in effect, outermost first. */
  scopes: IgnoreScope[];
  /** Files Git tracks (and their directories): never left out by ignore files. */
  tracked?: Set<string>;
}

function skipped(f: Filters, abs: string, isDir: boolean): boolean {
  if (ignored(f.exclude, abs, isDir)) return true;
  return ignored(f.scopes, abs, isDir) && !f.tracked?.has(abs);
}

/** Entries in the order of their names (a function of the module: an arrow made per directory was compiled again and again). */
function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A directory of the walk under way: its sorted entries and the next one to visit. */
interface DirFrame {
  dir: string;
  /** Its real path (the target's real path, then the names below it). */
  dirReal: string;
  /** Its display path when a child's is that path, `/` and the child's name (inside `cwd`); else undefined. */
  display: string | undefined;
  filters: Filters;
  entries: Dirent[];
  next: number;
}

/** Depth first, entries sorted by name: a directory's files and directories in place, as a recursive walk would. */
function* walkDir(top: string, root: string, cwd: string, topFilters: Filters, opts: WalkOptions): Generator<DiskSourceFile> {
  const stack: DirFrame[] = [];
  const enter = (dir: string, dirReal: string, parent: Filters): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      opts.onError(displayPath(dir, cwd), `cannot read directory: ${describeSystemError(e)}`);
      return;
    }
    const filters: Filters = { ...parent, scopes: opts.includeIgnored ? [] : loadIgnores(dir, parent.scopes, cwd, opts) };
    entries.sort(byName);
    const shown = displayPath(dir, cwd);
    const display = sep === '/' && !shown.startsWith('..') && !shown.startsWith('/') ? shown : undefined;
    stack.push({ dir, dirReal, display, filters, entries, next: 0 });
  };
  enter(top, root, topFilters);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next === frame.entries.length) {
      stack.pop();
      continue;
    }
    const entry = frame.entries[frame.next++];
    const { filters } = frame;
    const abs = join(frame.dir, entry.name);
    if (unreachableName(entry.name, abs)) {
      opts.onError(displayPath(abs, cwd), 'name is not valid UTF-8, so it cannot be opened by it; not scanned (rename it to scan it)');
      continue;
    }
    const type = entryType(entry, abs);
    if (type === 'dir') {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      if (skipped(filters, abs, true)) continue;
      enter(abs, join(frame.dirReal, entry.name), filters);
    } else if (type === 'file') {
      if (IGNORE_FILES.includes(entry.name)) continue;
      if (opts.names && !opts.names.has(entry.name)) continue;
      if (skipped(filters, abs, false)) continue;
      const path =
        frame.display === undefined ? displayPath(abs, cwd) : frame.display === '.' ? entry.name : `${frame.display}/${entry.name}`;
      if (opts.names) {
        yield new DiskSourceFile(path, abs, 0);
        continue;
      }
      let file: DiskSourceFile;
      try {
        file = DiskSourceFile.opened(path, abs, root);
      } catch (e) {
        // An unreadable file is reported here, once: parsers that sniff content would pass it by in silence.
        opts.onError(displayPath(abs, cwd), (e as FileReadError).message);
        continue;
      }
      yield markWalked(file);
    } else if (type === 'link') {
      if (opts.names || skipped(filters, abs, false)) continue;
      checkLink(abs, frame.dirReal, root, cwd, opts);
    }
  }
}
