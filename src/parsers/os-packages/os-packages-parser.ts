import type { ParseOutput, Parser } from '../../core/parser.js';
import type { SourceFile } from '../../core/source-file.js';
import { DependencyDocument } from '../deps/deps-document.js';
import type { DependencyManifest } from '../deps/types.js';
import { goBinaryManifest } from './go-binary.js';
import { GoBuildInfoError, isElf, readGoBuildInfo } from './go-buildinfo.js';
import { withOsProblems } from './os-release.js';
import { osIdentityFor, packageDatabaseOf } from './rootfs.js';
import { parseRpmSqlite, unreadRpmDatabase } from './rpm.js';
import type { RandomAccess } from './sqlite.js';

/** Manifests a collector read from a stream (a Go binary of an image), handed to the engine on a stand-in file. */
const preparsed = new WeakMap<SourceFile, DependencyManifest>();

export function assignManifest(file: SourceFile, manifest: DependencyManifest): void {
  preparsed.set(file, manifest);
}

/** Files read whole when smaller; larger ones by positioned reads. */
const WHOLE = 64 * 1024 * 1024;

function randomAccess(file: SourceFile): RandomAccess {
  if (file.size <= WHOLE) {
    const bytes = file.bytes();
    return { size: bytes.length, read: (o, l) => bytes.subarray(o, Math.min(bytes.length, o + l)) };
  }
  return { size: file.size, read: (o, l) => file.read(o, l) };
}

/**
 * The binary package sources (`kind: deps`): rpm databases (SQLite; the BerkeleyDB and ndb formats
 * are named in `errors`), and Go executables found by content (ELF with Go build information), whose
 * embedded module list is an inventory. Only headers and the build information section are read.
 */
export const osPackagesParser: Parser = {
  name: 'os-packages',
  produces: ['deps'],
  maxBytes: 4 * 1024 * 1024 * 1024,
  matches(file: SourceFile): boolean {
    if (preparsed.has(file)) return true;
    const db = packageDatabaseOf(file.path);
    if (db) return db.format.startsWith('rpm');
    return file.size > 64 && isElf(file.head());
  },
  parse(file: SourceFile): ParseOutput {
    const given = preparsed.get(file);
    if (given) return { documents: [new DependencyDocument(file, given)], errors: given.problems };
    const db = packageDatabaseOf(file.path);
    if (db?.format === 'rpm-bdb' || db?.format === 'rpm-ndb') return { documents: [], errors: [{ message: unreadRpmDatabase(db.format) }] };
    if (db?.format === 'rpm-sqlite') {
      const m = withOsProblems(parseRpmSqlite(randomAccess(file), osIdentityFor(file)), 'rpm');
      return { documents: [new DependencyDocument(file, m)], errors: m.problems };
    }
    try {
      const info = readGoBuildInfo({ size: file.size, read: (o, l) => file.read(o, l) });
      if (!info) return { documents: [] };
      const m = goBinaryManifest(info);
      return { documents: [new DependencyDocument(file, m)] };
    } catch (e) {
      if (e instanceof GoBuildInfoError)
        return { documents: [], errors: [{ message: `Go build information cannot be read: ${e.message}` }] };
      // Headers whose offsets run past the end of the file are searched past (readGoBuildInfo): this is
      // build information whose pointers or lengths do.
      if (e instanceof RangeError)
        return { documents: [], errors: [{ message: 'Go build information cannot be read: it points past the end of the file' }] };
      throw e;
    }
  },
};
