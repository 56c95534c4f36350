import { readAll, SliceSource, u16, u32, u64, utf8Text, type ByteSource } from './byte-source.js';
import { memberLimitProblem, formatLimit } from './archive-limits.js';
import { inflateAll, InflateError, inflateHead, InflateLimit, type InflateBudget } from './inflate.js';
import { printableName } from '../../core/printable.js';

/**
 * A lenient zip reader for model archives. It accepts what PyTorch's reader accepts: any
 * general-purpose flag bits, wrong CRCs (never checked), local names that differ from central
 * ones, zip64, data before the archive. Without a central directory it falls back to walking
 * the local headers. Only stored and deflated members are read.
 */

export interface ZipEntry {
  /** Name from the central directory (or the local header when there is none). */
  name: string;
  /** Name in the local header when it differs. */
  localName?: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** Offset of the member's data, from its local header. */
  dataOffset: number;
}

export interface ZipArchive {
  entries: ZipEntry[];
  /** What could not be read or was left out (entry limit, missing central directory, bad headers). */
  problems: { kind: 'malformed' | 'limit'; message: string }[];
}

export class ZipFailure extends Error {}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const MAX_CENTRAL_DIRECTORY = 256 * 1024 * 1024;

/** True when `head` starts like a zip archive (a local header or an empty archive). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** True when the end of `src` holds a zip end record: Python's `zipfile` (Keras' loader) reads an archive with data before it. */
export function endsLikeZip(src: ByteSource): boolean {
  return src.size >= 22 && findEndOfCentralDirectory(src) !== undefined;
}

export function readZip(src: ByteSource, maxEntries: number): ZipArchive {
  const problems: ZipArchive['problems'] = [];
  const eocd = findEndOfCentralDirectory(src);
  if (!eocd) {
    const entries = walkLocalHeaders(src, maxEntries, problems);
    problems.unshift({
      kind: 'malformed',
      message: `zip archive has no end of central directory record; read ${entries.length} member(s) from local headers`,
    });
    return { entries, problems };
  }
  const { cdSize } = eocd;
  let cdOffset = eocd.cdOffset;
  // Data prepended to the archive shifts every offset: detect it from where the directory really ends.
  const shift = eocd.cdEnd - (cdOffset + cdSize);
  if (shift > 0 && readSig(src, cdOffset) !== SIG_CENTRAL && readSig(src, cdOffset + shift) === SIG_CENTRAL) cdOffset += shift;
  if (cdSize > MAX_CENTRAL_DIRECTORY)
    throw new ZipFailure(`zip central directory is ${cdSize} bytes, over the ${MAX_CENTRAL_DIRECTORY}-byte limit`);
  if (cdOffset + cdSize > src.size)
    throw new ZipFailure(`zip central directory (offset ${cdOffset}, ${cdSize} bytes) lies outside the file`);
  const cd = readAll(src, cdOffset, cdSize);
  const delta = cdOffset - eocd.cdOffset;
  const entries: ZipEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length) {
    if (u32(cd, p) !== SIG_CENTRAL) {
      problems.push({
        kind: 'malformed',
        message: `zip central directory is damaged at byte ${cdOffset + p}; ${entries.length} member(s) read`,
      });
      break;
    }
    if (entries.length >= maxEntries) {
      let rest = 0;
      for (let q = p; q + 46 <= cd.length && u32(cd, q) === SIG_CENTRAL; q += 46 + u16(cd, q + 28) + u16(cd, q + 30) + u16(cd, q + 32))
        rest++;
      problems.push(memberLimitProblem('zip', maxEntries, rest, false));
      break;
    }
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    let compressedSize = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    let localHeaderOffset = u32(cd, p + 42);
    const name = utf8Text(cd.subarray(p + 46, p + 46 + nameLen));
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    for (let e = 0; e + 4 <= extra.length;) {
      const id = u16(extra, e);
      const len = u16(extra, e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        const end = Math.min(extra.length, q + len);
        if (size === 0xffffffff && q + 8 <= end) {
          size = u64(extra, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff && q + 8 <= end) {
          compressedSize = u64(extra, q);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff && q + 8 <= end) localHeaderOffset = u64(extra, q);
      }
      e += 4 + len;
    }
    p += 46 + nameLen + extraLen + commentLen;
    localHeaderOffset += delta;
    const local = src.read(localHeaderOffset, 30);
    if (local.length < 30 || u32(local, 0) !== SIG_LOCAL) {
      problems.push({
        kind: 'malformed',
        message: `zip member '${printableName(name)}' has no local header at byte ${localHeaderOffset}; not scanned`,
      });
      continue;
    }
    const localNameLen = u16(local, 26);
    const localName = utf8Text(src.read(localHeaderOffset + 30, localNameLen));
    const entry: ZipEntry = {
      name,
      method,
      flags,
      compressedSize,
      size,
      localHeaderOffset,
      dataOffset: localHeaderOffset + 30 + localNameLen + u16(local, 28),
    };
    if (localName !== name) entry.localName = localName;
    entries.push(entry);
  }
  return { entries, problems };
}

function readSig(src: ByteSource, offset: number): number {
  const b = src.read(offset, 4);
  return b.length === 4 ? u32(b, 0) : -1;
}

interface EndRecord {
  cdOffset: number;
  cdSize: number;
  total: number;
  /** Where the central directory ends: the offset of the (zip64) end record. */
  cdEnd: number;
}

function findEndOfCentralDirectory(src: ByteSource): EndRecord | undefined {
  const tailLen = Math.min(src.size, 22 + 0xffff + 20);
  const tailStart = src.size - tailLen;
  const tail = readAll(src, tailStart, tailLen);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] !== 0x50 || u32(tail, i) !== SIG_EOCD) continue;
    const rec: EndRecord = { total: u16(tail, i + 10), cdSize: u32(tail, i + 12), cdOffset: u32(tail, i + 16), cdEnd: tailStart + i };
    const locAt = tailStart + i - 20;
    if (locAt >= 0 && readSig(src, locAt) === SIG_LOCATOR64) {
      const loc = src.read(locAt, 20);
      const at64 = u64(loc, 8);
      const z = src.read(at64, 56);
      if (z.length === 56 && u32(z, 0) === SIG_EOCD64) {
        return { total: u64(z, 32), cdSize: u64(z, 40), cdOffset: u64(z, 48), cdEnd: at64 };
      }
    }
    if (rec.cdOffset + rec.cdSize <= rec.cdEnd || rec.cdSize <= rec.cdEnd) return rec;
  }
  return undefined;
}

function walkLocalHeaders(src: ByteSource, maxEntries: number, problems: ZipArchive['problems']): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let pos = 0;
  while (pos + 30 <= src.size) {
    const h = src.read(pos, 30);
    if (u32(h, 0) !== SIG_LOCAL) break;
    if (entries.length >= maxEntries) {
      const rest = countLocalHeaders(src, pos);
      problems.push(memberLimitProblem('zip', maxEntries, rest.count, rest.more));
      break;
    }
    const flags = u16(h, 6);
    const nameLen = u16(h, 26);
    const extraLen = u16(h, 28);
    let compressedSize = u32(h, 18);
    let size = u32(h, 22);
    const extra = src.read(pos + 30 + nameLen, extraLen);
    for (let e = 0; e + 4 <= extra.length; e += 4 + u16(extra, e + 2)) {
      if (u16(extra, e) === 0x0001 && u16(extra, e + 2) >= 16) {
        size = u64(extra, e + 4);
        compressedSize = u64(extra, e + 12);
      }
    }
    const name = utf8Text(src.read(pos + 30, nameLen));
    const dataOffset = pos + 30 + nameLen + extraLen;
    if (flags & 8 && compressedSize === 0) {
      problems.push({
        kind: 'malformed',
        message: `zip member '${printableName(name)}' has no size in its local header and there is no central directory; stopped there`,
      });
      break;
    }
    entries.push({ name, method: u16(h, 8), flags, compressedSize, size, localHeaderOffset: pos, dataOffset });
    pos = dataOffset + compressedSize;
  }
  return entries;
}

/** Counting stops here: past it, the count is "more than". */
const MAX_COUNTED = 1_000_000;

/** The local headers from `pos` on, counted without reading their data (for the message past the member limit). */
function countLocalHeaders(src: ByteSource, pos: number): { count: number; more: boolean } {
  let count = 0;
  while (pos + 30 <= src.size && count < MAX_COUNTED) {
    const h = src.read(pos, 30);
    if (u32(h, 0) !== SIG_LOCAL || (u16(h, 6) & 8 && u32(h, 18) === 0)) return { count, more: count > 0 && u32(h, 0) === SIG_LOCAL };
    count++;
    pos += 30 + u16(h, 26) + u16(h, 28) + u32(h, 18);
  }
  return { count, more: count >= MAX_COUNTED };
}

export type { InflateBudget };

export class ZipLimit extends Error {}

/** The first `n` bytes of a member (fewer if it is shorter), decompressing no more than about `n` bytes. */
export function memberHead(src: ByteSource, e: ZipEntry, n: number): Uint8Array {
  if (e.method === 0) return src.read(e.dataOffset, Math.min(n, e.compressedSize));
  if (e.method !== 8) return new Uint8Array(0);
  return inflateHead(src, 'deflate-raw', n, e.dataOffset, e.compressedSize);
}

/**
 * The member's data: a window of the archive when stored; when deflated, decompressed as a stream
 * within `budget` (a member that declares a small size and inflates past the budget stops there).
 */
export function memberSource(src: ByteSource, e: ZipEntry, budget: InflateBudget): ByteSource {
  if (e.method === 0) return new SliceSource(src, e.dataOffset, Math.max(0, Math.min(e.compressedSize, src.size - e.dataOffset)));
  if (e.method !== 8)
    throw new ZipFailure(`zip member '${printableName(e.name)}' uses compression method ${e.method}, which is not supported`);
  if (e.size > budget.remaining)
    throw new ZipLimit(
      `zip member '${printableName(e.name)}' would decompress to ${e.size} bytes, over what is left of the ${formatLimit(budget.limit)} decompression limit`,
    );
  try {
    return inflateAll(src, 'deflate-raw', budget, e.dataOffset, Math.max(0, Math.min(e.compressedSize, src.size - e.dataOffset)));
  } catch (err) {
    if (err instanceof InflateLimit) throw new ZipLimit(`zip member '${printableName(e.name)}' ${err.message}; not scanned`);
    if (err instanceof InflateError) throw new ZipFailure(`zip member '${printableName(e.name)}' cannot be decompressed: ${err.message}`);
    throw err;
  }
}
