import { rpm as rpmScheme } from '../../vulndb/versions/rpm.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest, type OsIdentity } from '../deps/types.js';
import { distroQualifier, vendorOf } from './os-release.js';
import { SqliteFile, SqliteFormatError, type RandomAccess } from './sqlite.js';

const TAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, license: 1014, arch: 1022, sourceRpm: 1044 } as const;
const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_STRING_ARRAY = 8;
const TYPE_I18NSTRING = 9;
const MAX_HEADER_ENTRIES = 65536;

export interface RpmHeader {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  license?: string;
  sourceRpm?: string;
}

/**
 * One package's header as rpm stores it in its database (a header "blob": index length and data
 * length as 32-bit big-endian numbers, the index entries `tag, type, offset, count`, then the data
 * store). Only the tags an inventory needs are read; undefined when the blob is not a header.
 */
export function parseRpmHeaderBlob(blob: Uint8Array): RpmHeader | undefined {
  if (blob.length < 8) return undefined;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const il = view.getUint32(0);
  const dl = view.getUint32(4);
  if (il === 0 || il > MAX_HEADER_ENTRIES || 8 + il * 16 + dl > blob.length) return undefined;
  const dataStart = 8 + il * 16;
  const found = new Map<number, string | number>();
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = view.getUint32(e);
    const type = view.getUint32(e + 4);
    const offset = view.getInt32(e + 8);
    if (!Object.values(TAG).includes(tag as never) || offset < 0 || offset >= dl) continue;
    if (type === TYPE_INT32) {
      if (offset + 4 <= dl) found.set(tag, view.getUint32(dataStart + offset));
    } else if (type === TYPE_STRING || type === TYPE_I18NSTRING || type === TYPE_STRING_ARRAY) {
      const from = dataStart + offset;
      let end = from;
      const limit = dataStart + dl;
      while (end < limit && blob[end] !== 0) end++;
      found.set(tag, Buffer.from(blob.subarray(from, end)).toString('utf8'));
    }
  }
  const name = found.get(TAG.name);
  const version = found.get(TAG.version);
  const release = found.get(TAG.release);
  if (typeof name !== 'string' || typeof version !== 'string' || typeof release !== 'string') return undefined;
  const h: RpmHeader = { name, version, release };
  const epoch = found.get(TAG.epoch);
  if (typeof epoch === 'number') h.epoch = epoch;
  for (const [key, tag] of [
    ['arch', TAG.arch],
    ['license', TAG.license],
    ['sourceRpm', TAG.sourceRpm],
  ] as const) {
    const v = found.get(tag);
    if (typeof v === 'string' && v) h[key] = v;
  }
  return h;
}

/** `openssl-3.0.7-24.el9.src.rpm` → `openssl` and `3.0.7-24.el9`. */
export function sourceRpmParts(sourceRpm: string): { name: string; version: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(sourceRpm);
  return m ? { name: m[1], version: `${m[2]}-${m[3]}` } : undefined;
}

/**
 * rpm's SQLite database (`rpmdb.sqlite`: RHEL/Rocky/AlmaLinux 9, Fedora ≥ 33, openSUSE, Azure Linux):
 * the `Packages` table holds one header blob per installed package. `gpg-pubkey` entries are keys
 * rpm imported, not packages. The database is binary: findings name the file without a line.
 */
export function parseRpmSqlite(file: RandomAccess, os: OsIdentity | undefined): DependencyManifest {
  const m = emptyManifest('rpm-db', true, true);
  m.binary = true;
  if (os) m.os = os;
  let db: SqliteFile;
  try {
    db = new SqliteFile(file);
    for (const row of db.rows('Packages')) {
      const blob = row.values.find((v): v is Uint8Array => v instanceof Uint8Array);
      const h = blob && parseRpmHeaderBlob(blob);
      if (!h) {
        m.problems.push({ message: `rpm database row ${row.rowid} is not a package header; skipped` });
        continue;
      }
      if (h.name === 'gpg-pubkey') continue;
      const version = `${h.epoch ? `${h.epoch}:` : ''}${h.version}-${h.release}`;
      if (!rpmScheme.valid(version)) {
        m.problems.push({ message: `package ${h.name} has an unreadable version '${version}'; not matched` });
        continue;
      }
      const dep: DeclaredDependency = {
        ecosystem: os?.ecosystem ?? 'Linux',
        name: h.name,
        version,
        span: { start: 0, end: 0 },
        os: { format: 'rpm', vendor: vendorOf(os, 'rpm') },
      };
      const distro = distroQualifier(os);
      if (distro) dep.os!.distro = distro;
      if (h.arch) dep.os!.arch = h.arch;
      if (h.license) dep.license = h.license;
      const source = h.sourceRpm ? sourceRpmParts(h.sourceRpm) : undefined;
      if (source && source.name !== h.name) dep.os!.sourceName = source.name;
      const binaryEvr = `${h.version}-${h.release}`;
      if (source && source.version !== binaryEvr) dep.os!.sourceVersion = `${h.epoch ? `${h.epoch}:` : ''}${source.version}`;
      m.packages.push(dep);
    }
  } catch (e) {
    if (!(e instanceof SqliteFormatError)) throw e;
    m.problems.push({ message: `rpm database cannot be read: ${e.message}` });
  }
  return m;
}

/** What to say about the rpm database formats before SQLite, which are not read. */
export function unreadRpmDatabase(format: 'rpm-bdb' | 'rpm-ndb'): string {
  return format === 'rpm-bdb'
    ? 'rpm BerkeleyDB database (var/lib/rpm/Packages: RHEL/CentOS ≤ 8, Amazon Linux 2, older Fedora and SUSE) is not read: its packages are not inventoried or matched'
    : 'rpm ndb database (Packages.db: SUSE, openSUSE) is not read: its packages are not inventoried or matched';
}
