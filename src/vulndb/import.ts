import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ByteSource } from '../parsers/models/byte-source.js';
import { looksLikeZip, memberSource, readZip, ZipFailure, ZipLimit, type InflateBudget } from '../parsers/models/zip.js';
import { compactRecord, InvalidRecord } from './compact.js';
import { INDEX_FILE, META_FILE, readMeta, RECORDS_FILE, type DatabaseMeta, type EcosystemMeta } from './database.js';
import { acquireImportLock } from './import-lock.js';
import { writeIndex, type RecordRef } from './index-file.js';
import type { StoredRecord } from './osv.js';
import { packageKey } from './osv.js';
import { ecosystemBase } from './versions/index.js';
import { describeSystemError } from '../core/system-error.js';
import { jsonErrorMessage } from '../core/printable.js';

export interface ImportLimits {
  /** Files of a directory walk, and members of each archive. */
  maxEntries: number;
  /** Bytes decompressed from archives over the whole import. */
  maxDecompressedBytes: number;
  /** Bytes of one record (a JSON file or an archive member). */
  maxRecordBytes: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxEntries: 2_000_000,
  maxDecompressedBytes: 16 * 2 ** 30,
  maxRecordBytes: 16 * 2 ** 20,
};

export interface ImportOptions {
  limits?: Partial<ImportLimits>;
  /** Ecosystems whose old records are dropped first (a full download of them replaces them). */
  replaceEcosystems?: string[];
  /** Label for the sources in `db status` (defaults to the input paths). */
  sourceLabels?: string[];
  now?: Date;
  /** How long to wait for another import of the same database to finish (default 10 minutes). */
  lockWaitMs?: number;
}

export interface ImportProblem {
  path: string;
  message: string;
}

export interface ImportResult {
  /** Records read from the inputs and kept. */
  imported: number;
  /** Withdrawn records and records that name no package. */
  skipped: number;
  /** Records in the database afterwards. */
  total: number;
  ecosystems: Record<string, number>;
  problems: ImportProblem[];
  /** False when the inputs held no OSV record at all: the database was left as it was. */
  changed: boolean;
}

export class ImportError extends Error {}

class FileSource implements ByteSource {
  readonly size: number;
  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
  }
  read(offset: number, length: number): Uint8Array {
    const n = Math.max(0, Math.min(length, this.size - offset));
    const buf = Buffer.alloc(n);
    const got = n ? readSync(this.fd, buf, 0, n, offset) : 0;
    return buf.subarray(0, got);
  }
}

interface Kept {
  ref: RecordRef;
  keys: string[];
  ecosystems: string[];
  modified?: string;
}

/** Appends records to the records file and remembers, per id, the newest one. */
class Builder {
  private readonly fd: number;
  private offset = 0;
  private pending: Buffer[] = [];
  private pendingSize = 0;
  /** id → the record kept, or null when the newest word on it is that it was withdrawn. */
  readonly kept = new Map<string, Kept | null>();
  /** id → the label of the input it came from, for the records the inputs brought. */
  readonly fromInputs = new Map<string, string>();

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  /** Adds a record unless a newer one with its id is already kept. */
  add(rec: StoredRecord, line?: string): boolean {
    const old = this.kept.get(rec.id);
    if (old && rec.modified && old.modified && rec.modified < old.modified) return false;
    const text = Buffer.from(line ?? JSON.stringify(rec), 'utf8');
    const ref = { offset: this.offset, length: text.length };
    this.pending.push(text, NEWLINE);
    this.pendingSize += text.length + 1;
    this.offset += text.length + 1;
    if (this.pendingSize > 1 << 20) this.flush();
    const keys = [...new Set(rec.affected.map((a) => packageKey(a.ecosystem, a.name)))];
    const ecosystems = [...new Set(rec.affected.map((a) => a.ecosystem))];
    this.kept.set(rec.id, { ref, keys, ecosystems, modified: rec.modified });
    return true;
  }

  withdraw(id: string, modified: string | undefined): void {
    const old = this.kept.get(id);
    if (old && modified && old.modified && modified < old.modified) return;
    this.kept.set(id, null);
  }

  flush(): void {
    if (this.pending.length) writeSync(this.fd, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingSize = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

const NEWLINE = Buffer.from('\n');

/** Reads OSV records from files, directories and zip archives (`all.zip`) into the database in `dbDir`. */
export function importOsv(dbDir: string, inputs: string[], options: ImportOptions = {}): ImportResult {
  mkdirSync(dirname(dbDir), { recursive: true });
  // One import at a time: each builds on the database the previous one swapped in.
  const release = acquireImportLock(dbDir, options.lockWaitMs);
  try {
    return importLocked(dbDir, inputs, options);
  } finally {
    release();
  }
}

function importLocked(dbDir: string, inputs: string[], options: ImportOptions): ImportResult {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? new Date();
  const previous = readMeta(dbDir);
  mkdirSync(dirname(dbDir), { recursive: true });
  const tmp = `${dbDir}.tmp-${process.pid}-${now.getTime()}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const problems: ImportProblem[] = [];
  const builder = new Builder(join(tmp, RECORDS_FILE));
  const budget: InflateBudget = { remaining: limits.maxDecompressedBytes, limit: limits.maxDecompressedBytes };
  let imported = 0;
  let skipped = 0;
  let entries = 0;

  let label = '';
  const takeText = (path: string, text: string): void => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      problems.push({ path, message: `not JSON: ${jsonErrorMessage(e)}` });
      return;
    }
    for (const raw of Array.isArray(parsed) ? parsed : [parsed]) {
      let rec: StoredRecord;
      try {
        rec = compactRecord(raw);
      } catch (e) {
        if (!(e instanceof InvalidRecord)) throw e;
        problems.push({ path, message: e.message });
        continue;
      }
      const withdrawn = typeof (raw as { withdrawn?: unknown }).withdrawn === 'string';
      if (withdrawn || rec.affected.length === 0) {
        if (withdrawn) builder.withdraw(rec.id, rec.modified);
        skipped++;
        continue;
      }
      if (builder.add(rec)) {
        builder.fromInputs.set(rec.id, label);
        imported++;
      }
    }
  };

  const takeZip = (path: string, fd: number): void => {
    const src = new FileSource(fd);
    let archive;
    try {
      archive = readZip(src, limits.maxEntries);
    } catch (e) {
      problems.push({ path, message: `cannot read the zip archive: ${(e as Error).message}` });
      return;
    }
    for (const p of archive.problems) problems.push({ path, message: p.message });
    for (const entry of archive.entries) {
      if (entry.name.endsWith('/') || !entry.name.toLowerCase().endsWith('.json')) continue;
      const where = `${path}:${entry.name}`;
      if (entry.size > limits.maxRecordBytes) {
        problems.push({ path: where, message: `record is ${entry.size} bytes, over the ${limits.maxRecordBytes}-byte limit; skipped` });
        continue;
      }
      const memberBudget: InflateBudget = { remaining: Math.min(budget.remaining, limits.maxRecordBytes), limit: limits.maxRecordBytes };
      let data: Uint8Array;
      try {
        const member = memberSource(src, entry, memberBudget);
        if (member.size > limits.maxRecordBytes)
          throw new ZipLimit(`record is ${member.size} bytes, over the ${limits.maxRecordBytes}-byte limit`);
        data = member.read(0, member.size);
      } catch (e) {
        if (e instanceof ZipLimit && budget.remaining < limits.maxRecordBytes) {
          problems.push({ path, message: `stopped: the archives decompress past the ${limits.maxDecompressedBytes}-byte limit` });
          return;
        }
        if (e instanceof ZipLimit || e instanceof ZipFailure) {
          problems.push({ path: where, message: `${e.message}; skipped` });
          continue;
        }
        throw e;
      }
      budget.remaining -= data.length;
      takeText(where, Buffer.from(data.buffer, data.byteOffset, data.length).toString('utf8'));
    }
  };

  const takeFile = (path: string): void => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      problems.push({ path, message: `cannot read: ${describeSystemError(e)}` });
      return;
    }
    try {
      const size = fstatSync(fd).size;
      const head = Buffer.alloc(Math.min(4, size));
      readSync(fd, head, 0, head.length, 0);
      if (looksLikeZip(head)) return takeZip(path, fd);
      if (size > limits.maxRecordBytes) {
        problems.push({ path, message: `file is ${size} bytes, over the ${limits.maxRecordBytes}-byte record limit; skipped` });
        return;
      }
      const buf = Buffer.alloc(size);
      readSync(fd, buf, 0, size, 0);
      takeText(path, buf.toString('utf8'));
    } finally {
      closeSync(fd);
    }
  };

  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      problems.push({ path: dir, message: `cannot list: ${describeSystemError(e)}` });
      return;
    }
    for (const name of names) {
      if (entries >= limits.maxEntries) {
        problems.push({ path: dir, message: `more than ${limits.maxEntries} files; the rest were not read` });
        return;
      }
      const path = join(dir, name);
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (!st || st.isSymbolicLink()) continue;
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && /\.(json|zip)$/i.test(name)) {
        entries++;
        takeFile(path);
      }
    }
  };

  const labels = options.sourceLabels ?? inputs.map((i) => basename(i));
  try {
    for (const [i, input] of inputs.entries()) {
      label = labels[i] ?? basename(input);
      const st = lstatSync(input, { throwIfNoEntry: false });
      if (!st) throw new ImportError(`cannot read '${label}': no such file or directory`);
      if (st.isDirectory()) walk(input);
      else takeFile(input);
    }
    if (imported === 0 && skipped === 0) {
      builder.close();
      rmSync(tmp, { recursive: true, force: true });
      return { imported, skipped, total: previous?.records ?? 0, ecosystems: {}, problems, changed: false };
    }
    // Keep the old records that the inputs did not replace.
    const replaced = new Set((options.replaceEcosystems ?? []).map((e) => e.toLowerCase()));
    if (previous) copyOld(dbDir, builder, replaced);
    builder.close();
  } catch (e) {
    builder.close();
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }

  groupRecords(tmp, builder.kept.values());
  const index = new Map<string, RecordRef[]>();
  const counts = new Map<string, { records: number; newest?: string }>();
  let total = 0;
  for (const kept of builder.kept.values()) {
    if (!kept) continue;
    total++;
    for (const k of kept.keys) {
      const list = index.get(k);
      if (list) list.push(kept.ref);
      else index.set(k, [kept.ref]);
    }
    for (const e of kept.ecosystems) {
      const c = counts.get(e) ?? { records: 0 };
      c.records++;
      // The Go database publishes many records with Go's zero time (0001-01-01): no date at all.
      const dated = kept.modified && !kept.modified.startsWith('0001-') ? kept.modified : undefined;
      if (dated && (!c.newest || dated > c.newest)) c.newest = dated;
      counts.set(e, c);
    }
  }
  writeIndex(join(tmp, INDEX_FILE), index);

  const touched = new Map<string, Set<string>>();
  for (const [id, from] of builder.fromInputs)
    for (const e of builder.kept.get(id)?.ecosystems ?? []) touched.set(e, (touched.get(e) ?? new Set()).add(from));
  const ecosystems: Record<string, EcosystemMeta> = {};
  for (const [name, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const before = previous?.ecosystems[name];
    const from = touched.get(name);
    ecosystems[name] = {
      records: c.records,
      importedAt: from || !before ? now.toISOString() : before.importedAt,
      ...(c.newest ? { newestModified: c.newest } : {}),
      sources: from ? [...from] : (before?.sources ?? []),
    };
  }
  const meta: DatabaseMeta = { format: 1, updatedAt: now.toISOString(), records: total, ecosystems };
  writeFileSync(join(tmp, META_FILE), JSON.stringify(meta, null, 2) + '\n');
  swapIn(dbDir, tmp);
  const byEcosystem: Record<string, number> = {};
  for (const id of builder.fromInputs.keys())
    for (const e of builder.kept.get(id)?.ecosystems ?? []) byEcosystem[e] = (byEcosystem[e] ?? 0) + 1;
  return { imported, skipped, total, ecosystems: byEcosystem, problems, changed: true };
}

/**
 * Rewrites the records file in the order of the packages they name, so that the records of one
 * package lie together and a scan reads them in one go; superseded copies of a record are left
 * behind. Updates each kept record's reference.
 */
function groupRecords(dir: string, kept: Iterable<Kept | null>): void {
  const order = [...kept]
    .filter((k): k is Kept => k !== null)
    .sort((a, b) => (a.keys[0] < b.keys[0] ? -1 : a.keys[0] > b.keys[0] ? 1 : a.ref.offset - b.ref.offset));
  const from = join(dir, RECORDS_FILE);
  const to = `${from}.grouped`;
  const src = openSync(from, 'r');
  const out = openSync(to, 'w');
  try {
    let pos = 0;
    let batch: Buffer[] = [];
    let size = 0;
    for (const k of order) {
      const buf = Buffer.alloc(k.ref.length + 1, '\n');
      if (readSync(src, buf, 0, k.ref.length, k.ref.offset) !== k.ref.length)
        throw new ImportError('the records file was cut short while importing');
      k.ref = { offset: pos, length: k.ref.length };
      pos += buf.length;
      batch.push(buf);
      size += buf.length;
      if (size > 1 << 20) {
        writeSync(out, Buffer.concat(batch));
        batch = [];
        size = 0;
      }
    }
    if (batch.length) writeSync(out, Buffer.concat(batch));
  } finally {
    closeSync(src);
    closeSync(out);
  }
  renameSync(to, from);
}

/** Copies the records of the current database that the import neither replaced nor withdrew. */
function copyOld(dbDir: string, builder: Builder, replaced: Set<string>): void {
  const fd = openSync(join(dbDir, RECORDS_FILE), 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = '';
    let pos = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      if (n === 0) break;
      pos += n;
      const text = carry + chunk.toString('utf8', 0, n);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) keepOld(line, builder, replaced);
    }
    if (carry) keepOld(carry, builder, replaced);
  } finally {
    closeSync(fd);
  }
}

function keepOld(line: string, builder: Builder, replaced: Set<string>): void {
  if (!line) return;
  let rec: StoredRecord;
  try {
    rec = JSON.parse(line) as StoredRecord;
  } catch {
    return;
  }
  if (builder.fromInputs.has(rec.id) || builder.kept.has(rec.id)) {
    // The inputs carry this id (or withdrew it): the old copy stays only if it is newer.
    const now = builder.kept.get(rec.id);
    if (!now || !rec.modified || !now.modified || rec.modified <= now.modified) return;
  }
  if (replaced.size && rec.affected.every((a) => replaced.has(a.ecosystem.toLowerCase()) || replaced.has(ecosystemBase(a.ecosystem))))
    return;
  builder.add(rec, line);
}

/** Replaces the database directory with the freshly built one. */
function swapIn(dbDir: string, tmp: string): void {
  const old = `${dbDir}.old-${process.pid}-${Date.now()}`;
  let moved = false;
  try {
    renameSync(dbDir, old);
    moved = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  renameSync(tmp, dbDir);
  if (moved) rmSync(old, { recursive: true, force: true });
}
