import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * The on-disk index: package key → where its records sit in the records file. A hash table laid out
 * for positioned reads, so that opening costs one read of the bucket table and a lookup one read of
 * one bucket, whatever the size of the database.
 *
 *   header   8 bytes magic `SANVDB01`, u32 format, u32 bucket count, u32 key count, u32 reserved
 *   buckets  (bucket count + 1) × u32: start of each bucket in the entry area, then its end
 *   entries  per key: u16 key length, key (UTF-8), u32 reference count, references (u48 offset, u32 length)
 *
 * Integers are little-endian. Keys hash with 32-bit FNV-1a.
 */

const MAGIC = Buffer.from('SANVDB01', 'latin1');
const FORMAT = 1;
const HEADER = 24;
const REF = 10;

export interface RecordRef {
  offset: number;
  length: number;
}

export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

export class IndexFormatError extends Error {}

export function writeIndex(path: string, entries: Map<string, RecordRef[]>): void {
  const keys = [...entries.keys()];
  const buckets = Math.max(1, Math.ceil(keys.length / 2));
  const byBucket: Array<Array<{ key: Buffer; refs: RecordRef[] }>> = Array.from({ length: buckets }, () => []);
  for (const k of keys) {
    const key = Buffer.from(k, 'utf8');
    if (key.length > 0xffff) continue;
    byBucket[fnv1a(key) % buckets].push({ key, refs: entries.get(k)! });
  }
  const table = Buffer.alloc((buckets + 1) * 4);
  const chunks: Buffer[] = [];
  let pos = 0;
  for (let b = 0; b < buckets; b++) {
    table.writeUInt32LE(pos, b * 4);
    for (const { key, refs } of byBucket[b]) {
      const e = Buffer.alloc(2 + key.length + 4 + refs.length * REF);
      let p = e.writeUInt16LE(key.length, 0);
      p += key.copy(e, p);
      p = e.writeUInt32LE(refs.length, p);
      for (const r of refs) {
        p = e.writeUIntLE(r.offset, p, 6);
        p = e.writeUInt32LE(r.length, p);
      }
      chunks.push(e);
      pos += e.length;
      if (pos > 0xffffffff) throw new IndexFormatError('the index would exceed 4 GiB');
    }
  }
  table.writeUInt32LE(pos, buckets * 4);
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT, 8);
  header.writeUInt32LE(buckets, 12);
  header.writeUInt32LE(keys.length, 16);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    writeSync(fd, table);
    let batch: Buffer[] = [];
    let size = 0;
    for (const c of chunks) {
      batch.push(c);
      size += c.length;
      if (size > 1 << 20) {
        writeSync(fd, Buffer.concat(batch));
        batch = [];
        size = 0;
      }
    }
    if (batch.length) writeSync(fd, Buffer.concat(batch));
  } finally {
    closeSync(fd);
  }
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  if (got < length) throw new IndexFormatError(`the index file is truncated (wanted ${length} bytes at ${position})`);
  return buf;
}

/** An open index: the bucket table in memory, buckets read on demand. */
export class IndexReader {
  private readonly table: Buffer;
  private readonly buckets: number;
  private readonly entriesStart: number;
  readonly keys: number;

  constructor(private readonly fd: number) {
    const size = fstatSync(fd).size;
    if (size < HEADER) throw new IndexFormatError('the index file is too short');
    const header = readExactly(fd, HEADER, 0);
    if (!header.subarray(0, 8).equals(MAGIC)) throw new IndexFormatError('not a Sanctum vulnerability index');
    const format = header.readUInt32LE(8);
    if (format !== FORMAT)
      throw new IndexFormatError(`index format ${format} is not supported (expected ${FORMAT}); re-import the database`);
    this.buckets = header.readUInt32LE(12);
    this.keys = header.readUInt32LE(16);
    if (this.buckets === 0 || HEADER + (this.buckets + 1) * 4 > size) throw new IndexFormatError('the index bucket table is damaged');
    this.table = readExactly(fd, (this.buckets + 1) * 4, HEADER);
    this.entriesStart = HEADER + (this.buckets + 1) * 4;
    if (this.entriesStart + this.table.readUInt32LE(this.buckets * 4) > size) throw new IndexFormatError('the index file is truncated');
  }

  lookup(key: string): RecordRef[] {
    const k = Buffer.from(key, 'utf8');
    const b = fnv1a(k) % this.buckets;
    const start = this.table.readUInt32LE(b * 4);
    const end = this.table.readUInt32LE(b * 4 + 4);
    if (end <= start) return [];
    const bucket = readExactly(this.fd, end - start, this.entriesStart + start);
    let p = 0;
    while (p + 6 <= bucket.length) {
      const keyLen = bucket.readUInt16LE(p);
      const keyStart = p + 2;
      const count = bucket.readUInt32LE(keyStart + keyLen);
      const refsStart = keyStart + keyLen + 4;
      if (keyLen === k.length && k.equals(bucket.subarray(keyStart, keyStart + keyLen))) {
        const refs: RecordRef[] = [];
        for (let i = 0; i < count; i++) {
          const q = refsStart + i * REF;
          refs.push({ offset: bucket.readUIntLE(q, 6), length: bucket.readUInt32LE(q + 6) });
        }
        return refs;
      }
      p = refsStart + count * REF;
    }
    return [];
  }
}
