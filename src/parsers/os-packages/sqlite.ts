/**
 * A reader of one table of an SQLite 3 database file, written from the file format's documentation
 * (https://www.sqlite.org/fileformat2.html): the schema table on page 1 names the table's root page,
 * whose B-tree is walked for its rows, overflow pages followed. Read only, by positioned reads, and
 * bounded: every page is visited at most once, every size is checked against the file. It reads
 * what rpm writes (`rpmdb.sqlite`); a write-ahead log beside the file is not applied (rpm checkpoints
 * it when it closes the database).
 */

export interface RandomAccess {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

export class SqliteFormatError extends Error {}

/** A column value: SQL NULL, integer, float, text or blob. */
export type SqliteValue = null | number | bigint | string | Uint8Array;

const MAGIC = 'SQLite format 3\u0000';
const MAX_DEPTH = 40;

export class SqliteFile {
  readonly pageSize: number;
  private readonly usable: number;
  private readonly pageCount: number;
  private readonly visited = new Set<number>();

  constructor(private readonly file: RandomAccess) {
    const head = file.read(0, 100);
    if (head.length < 100 || Buffer.from(head.subarray(0, 16)).toString('latin1') !== MAGIC)
      throw new SqliteFormatError('not an SQLite 3 database');
    const raw = (head[16] << 8) | head[17];
    this.pageSize = raw === 1 ? 65536 : raw;
    if (this.pageSize < 512 || this.pageSize > 65536 || (this.pageSize & (this.pageSize - 1)) !== 0)
      throw new SqliteFormatError(`invalid page size ${raw}`);
    this.usable = this.pageSize - head[20];
    if (this.usable < 480) throw new SqliteFormatError('invalid reserved space');
    const encoding = readU32(head, 56);
    if (encoding !== 0 && encoding !== 1) throw new SqliteFormatError('text encoding other than UTF-8');
    this.pageCount = Math.floor(file.size / this.pageSize);
  }

  /** Every row of the table named `table` (rowid and column values), in rowid order. */
  *rows(table: string): Generator<{ rowid: bigint; values: SqliteValue[] }> {
    let root: number | undefined;
    for (const row of this.walk(1, 0)) {
      const [type, name, , rootpage] = row.values;
      if (type === 'table' && typeof name === 'string' && name.toLowerCase() === table.toLowerCase()) root = Number(rootpage);
    }
    if (root === undefined) throw new SqliteFormatError(`no table ${table}`);
    this.visited.clear();
    yield* this.walk(root, 0);
  }

  private page(n: number): Uint8Array {
    if (!Number.isInteger(n) || n < 1 || n > this.pageCount) throw new SqliteFormatError(`page ${n} is outside the file`);
    if (this.visited.has(n)) throw new SqliteFormatError(`page ${n} is referenced twice (a loop)`);
    this.visited.add(n);
    const p = this.file.read((n - 1) * this.pageSize, this.pageSize);
    if (p.length < this.pageSize) throw new SqliteFormatError(`page ${n} is truncated`);
    return p;
  }

  private *walk(pageNo: number, depth: number): Generator<{ rowid: bigint; values: SqliteValue[] }> {
    if (depth > MAX_DEPTH) throw new SqliteFormatError('B-tree too deep');
    const page = this.page(pageNo);
    const h = pageNo === 1 ? 100 : 0;
    const type = page[h];
    const cells = (page[h + 3] << 8) | page[h + 4];
    if (type === 0x05) {
      const pointers = h + 12;
      for (let i = 0; i < cells; i++) {
        const off = this.cellOffset(page, pointers, i);
        yield* this.walk(readU32(page, off), depth + 1);
      }
      yield* this.walk(readU32(page, h + 8), depth + 1);
    } else if (type === 0x0d) {
      const pointers = h + 8;
      for (let i = 0; i < cells; i++) {
        let off = this.cellOffset(page, pointers, i);
        const [payload, a] = readVarint(page, off);
        off += a;
        const [rowid, b] = readVarint(page, off);
        off += b;
        yield { rowid, values: decodeRecord(this.payload(page, off, Number(payload))) };
      }
    } else throw new SqliteFormatError(`page ${pageNo} is not a table B-tree page (type ${type})`);
  }

  private cellOffset(page: Uint8Array, pointers: number, i: number): number {
    const at = pointers + 2 * i;
    if (at + 2 > this.usable) throw new SqliteFormatError('cell pointer array overflows its page');
    const off = (page[at] << 8) | page[at + 1];
    if (off < pointers || off >= this.usable) throw new SqliteFormatError('cell outside its page');
    return off;
  }

  /** A cell's whole payload: the part in the page and the overflow chain. */
  private payload(page: Uint8Array, off: number, size: number): Uint8Array {
    if (size > this.file.size) throw new SqliteFormatError('payload larger than the file');
    const u = this.usable;
    const x = u - 35;
    let local = size;
    if (size > x) {
      const m = Math.floor(((u - 12) * 32) / 255) - 23;
      const k = m + ((size - m) % (u - 4));
      local = k <= x ? k : m;
    }
    if (off + local > u) throw new SqliteFormatError('cell payload overflows its page');
    if (local === size) return page.subarray(off, off + size);
    const out = new Uint8Array(size);
    out.set(page.subarray(off, off + local), 0);
    let filled = local;
    let next = readU32(page, off + local);
    while (filled < size) {
      const ov = this.page(next);
      const take = Math.min(u - 4, size - filled);
      out.set(ov.subarray(4, 4 + take), filled);
      filled += take;
      next = readU32(ov, 0);
    }
    return out;
  }
}

function readU32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

/** An SQLite varint: 1 to 9 bytes, big-endian, seven bits a byte (eight in the ninth). */
function readVarint(b: Uint8Array, off: number): [bigint, number] {
  let v = 0n;
  for (let i = 0; i < 9; i++) {
    if (off + i >= b.length) throw new SqliteFormatError('truncated varint');
    const byte = b[off + i];
    if (i === 8) return [(v << 8n) | BigInt(byte), 9];
    v = (v << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return [v, i + 1];
  }
  return [v, 9];
}

function decodeRecord(p: Uint8Array): SqliteValue[] {
  const [headerSize, n] = readVarint(p, 0);
  const hs = Number(headerSize);
  if (hs > p.length) throw new SqliteFormatError('record header larger than its record');
  const types: number[] = [];
  for (let off = n; off < hs;) {
    const [t, k] = readVarint(p, off);
    types.push(Number(t));
    off += k;
  }
  const out: SqliteValue[] = [];
  let pos = hs;
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  for (const t of types) {
    const len = t >= 12 ? Math.floor((t - 12) / 2) : [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0][t];
    if (pos + len > p.length) throw new SqliteFormatError('record value past its end');
    if (t === 0) out.push(null);
    else if (t >= 1 && t <= 6) {
      let v = 0n;
      for (let i = 0; i < len; i++) v = (v << 8n) | BigInt(p[pos + i]);
      if (p[pos] & 0x80) v -= 1n << BigInt(8 * len);
      out.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
    } else if (t === 7) out.push(view.getFloat64(pos));
    else if (t === 8 || t === 9) out.push(t - 8);
    else if (t >= 12 && t % 2 === 0) out.push(p.subarray(pos, pos + len));
    else if (t >= 13) out.push(Buffer.from(p.subarray(pos, pos + len)).toString('utf8'));
    else throw new SqliteFormatError(`reserved serial type ${t}`);
    pos += len;
  }
  return out;
}
