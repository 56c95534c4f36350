/**
 * rpm databases written without rpm: header blobs laid out as rpm stores them (index length and data
 * length, `tag, type, offset, count` entries, the data store) in an `rpmdb.sqlite` made by SQLite
 * itself (better-sqlite3) with the tables rpm creates. The parser tests and the fuzzer's seeds use them.
 */
import Database from 'better-sqlite3';
import type { RpmHeader } from '../parsers/os-packages/rpm.js';

/** The header fields the rpm reader gives back, written into a header blob. */
export interface TestRpmPackage extends RpmHeader {
  /** A description this long (real headers run to tens of KiB: their rows overflow SQLite pages). */
  descriptionBytes?: number;
}

const TYPE_INT32 = 4;
const TYPE_STRING = 6;
const TYPE_BIN = 7;
const TYPE_I18NSTRING = 9;
/** rpm's region tag (`RPMTAG_HEADERIMMUTABLE`), first in every header it writes. */
const REGION = 63;

/** One package's header blob. */
export function rpmHeaderBlob(p: TestRpmPackage): Buffer {
  const entries: Array<{ tag: number; type: number; data: Buffer; count: number; align?: number }> = [];
  const str = (tag: number, v: string | undefined, type = TYPE_STRING) => {
    if (v !== undefined) entries.push({ tag, type, data: Buffer.from(v + '\0'), count: 1 });
  };
  str(1000, p.name);
  str(1001, p.version);
  str(1002, p.release);
  if (p.epoch !== undefined) {
    const d = Buffer.alloc(4);
    d.writeUInt32BE(p.epoch);
    entries.push({ tag: 1003, type: TYPE_INT32, data: d, count: 1, align: 4 });
  }
  str(1004, `${p.name} package`, TYPE_I18NSTRING);
  if (p.descriptionBytes) str(1005, 'x'.repeat(p.descriptionBytes), TYPE_I18NSTRING);
  str(1014, p.license);
  str(1022, p.arch);
  str(1044, p.sourceRpm);
  const il = entries.length + 1;
  const parts: Buffer[] = [];
  const index: Buffer[] = [];
  let dl = 0;
  for (const e of entries) {
    const pad = e.align ? (e.align - (dl % e.align)) % e.align : 0;
    if (pad) parts.push(Buffer.alloc(pad));
    dl += pad;
    const entry = Buffer.alloc(16);
    entry.writeUInt32BE(e.tag, 0);
    entry.writeUInt32BE(e.type, 4);
    entry.writeInt32BE(dl, 8);
    entry.writeUInt32BE(e.count, 12);
    index.push(entry);
    parts.push(e.data);
    dl += e.data.length;
  }
  // The region trailer: an entry whose offset is minus the size of the index.
  const trailer = Buffer.alloc(16);
  trailer.writeUInt32BE(REGION, 0);
  trailer.writeUInt32BE(TYPE_BIN, 4);
  trailer.writeInt32BE(-il * 16, 8);
  trailer.writeUInt32BE(16, 12);
  const region = Buffer.alloc(16);
  region.writeUInt32BE(REGION, 0);
  region.writeUInt32BE(TYPE_BIN, 4);
  region.writeInt32BE(dl, 8);
  region.writeUInt32BE(16, 12);
  parts.push(trailer);
  dl += 16;
  const head = Buffer.alloc(8);
  head.writeUInt32BE(il, 0);
  head.writeUInt32BE(dl, 4);
  return Buffer.concat([head, region, ...index, ...parts]);
}

/** An `rpmdb.sqlite` holding the blobs (in the `Packages` table, with a `Name` index table as rpm keeps), as bytes. */
export function rpmdbSqlite(blobs: Uint8Array[], names: string[] = []): Buffer {
  const db = new Database(':memory:');
  try {
    db.pragma('page_size = 4096');
    db.exec(`CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);
      CREATE TABLE 'Name' (key 'TEXT' NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum));
      CREATE INDEX 'Name_key_idx' ON 'Name'(key ASC);`);
    const put = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    const name = db.prepare('INSERT INTO Name (key, hnum, idx) VALUES (?, ?, 0)');
    blobs.forEach((b, i) => {
      const r = put.run(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
      if (names[i]) name.run(names[i], r.lastInsertRowid);
    });
    return db.serialize();
  } finally {
    db.close();
  }
}

/** A small database of a Rocky-Linux-like root: an epoch, a source RPM of another name, an imported key, a header past one page. */
export const TEST_RPM_PACKAGES: readonly TestRpmPackage[] = [
  {
    name: 'bash',
    version: '5.1.8',
    release: '6.el9_1',
    arch: 'x86_64',
    license: 'GPL-3.0-or-later',
    sourceRpm: 'bash-5.1.8-6.el9_1.src.rpm',
  },
  {
    name: 'openssl-libs',
    version: '3.0.7',
    release: '24.el9',
    epoch: 1,
    arch: 'x86_64',
    license: 'Apache-2.0',
    sourceRpm: 'openssl-3.0.7-24.el9.src.rpm',
    descriptionBytes: 9000,
  },
  { name: 'gpg-pubkey', version: 'fd431d51', release: '4ae0493b' },
];
