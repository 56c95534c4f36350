import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { SourceFile } from '../../core/source-file.js';
import type { OsIdentity } from '../deps/types.js';
import { identifyOs, OS_IDENTITY_FILES } from './os-release.js';

/** Where package databases live in a root filesystem, and which format each is. */
export type PackageDatabaseFormat = 'dpkg' | 'apk' | 'rpm-sqlite' | 'rpm-bdb' | 'rpm-ndb';

const DATABASES: ReadonlyArray<{ re: RegExp; format: PackageDatabaseFormat }> = [
  { re: /(?:^|\/)(var\/lib\/dpkg\/status)$/, format: 'dpkg' },
  // distroless: one stanza file per package (its `.md5sums` neighbours list files, not packages)
  { re: /(?:^|\/)(var\/lib\/dpkg\/status\.d\/[^/]+)$/, format: 'dpkg' },
  { re: /(?:^|\/)(lib\/apk\/db\/installed)$/, format: 'apk' },
  { re: /(?:^|\/)((?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/rpmdb\.sqlite)$/, format: 'rpm-sqlite' },
  { re: /(?:^|\/)((?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/Packages)$/, format: 'rpm-bdb' },
  { re: /(?:^|\/)((?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/Packages\.db)$/, format: 'rpm-ndb' },
];

export interface PackageDatabasePath {
  format: PackageDatabaseFormat;
  /** The root filesystem's path (`''` when the database sits at the top of the scanned tree). */
  root: string;
}

/** The package database a path names, and the root filesystem it belongs to. */
export function packageDatabaseOf(path: string): PackageDatabasePath | undefined {
  if (path.endsWith('.md5sums')) return undefined;
  for (const d of DATABASES) {
    const m = d.re.exec(path);
    if (m) return { format: d.format, root: path.slice(0, path.length - m[1].length) };
  }
  return undefined;
}

/** The identities handed over by a collector for files it made (images): looked up before the disk. */
const assigned = new WeakMap<SourceFile, OsIdentity | null>();

/** Tells the OS package formats which OS a (memory) file belongs to. */
export function assignOs(file: SourceFile, os: OsIdentity | undefined): void {
  assigned.set(file, os ?? null);
}

const diskRoots = new Map<string, OsIdentity | null>();

/**
 * The OS a package database file belongs to: the one its collector assigned, else (a file on disk)
 * the identity files of the same root filesystem. Identity files are read only when they are regular
 * files, or links that stay inside the root: a root filesystem's `/etc/os-release` links to
 * `../usr/lib/os-release`, and an absolute link must never reach the scanning machine's own file.
 */
export function osIdentityFor(file: SourceFile): OsIdentity | undefined {
  if (assigned.has(file)) return assigned.get(file) ?? undefined;
  const abs = (file as { absPath?: string }).absPath;
  const db = packageDatabaseOf(file.path.split('\\').join('/'));
  if (!abs || !db) return undefined;
  const suffix = file.path.length - db.root.length;
  const absRoot = abs.slice(0, abs.length - suffix);
  let os = diskRoots.get(absRoot);
  if (os === undefined) {
    os = readRootIdentity(absRoot) ?? null;
    if (diskRoots.size > 1000) diskRoots.clear();
    diskRoots.set(absRoot, os);
  }
  return os ?? undefined;
}

function readRootIdentity(absRoot: string): OsIdentity | undefined {
  for (const rel of OS_IDENTITY_FILES) {
    const text = readInsideRoot(absRoot, rel, 4);
    if (text === undefined) continue;
    const os = identifyOs(rel, text);
    if (os) return os;
  }
  return undefined;
}

/** Reads `rel` under `absRoot`, following at most `hops` links, each resolved inside the root. */
function readInsideRoot(absRoot: string, rel: string, hops: number): string | undefined {
  try {
    const abs = join(absRoot, rel);
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) {
      if (hops === 0) return undefined;
      const target = readlinkSync(abs);
      const next = target.startsWith('/') ? posix.normalize(target).slice(1) : posix.normalize(posix.join(posix.dirname(rel), target));
      if (next.startsWith('..') || posix.isAbsolute(next)) return undefined;
      return readInsideRoot(absRoot, next, hops - 1);
    }
    if (!st.isFile() || st.size > 64 * 1024) return undefined;
    return readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}
