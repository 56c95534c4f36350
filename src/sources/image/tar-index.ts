import { readSync } from 'node:fs';
import { withoutTrailing } from '../../core/trim.js';

/** A regular file inside an uncompressed tar archive: where its bytes are. */
export interface TarMember {
  name: string;
  /** The name as the archive stores it, before `normalize` (`../../etc/x` stays visible). */
  stored: string;
  /** Byte offset of the content in the archive. */
  offset: number;
  size: number;
}

const BLOCK = 512;
/** Long names (GNU `L`, pax `path`) larger than this are a malformed archive, not a name. */
const MAX_LONG_HEADER = 1024 * 1024;
const MAX_MEMBERS = 1_000_000;
/** Links followed in a row before a chain is called a loop. */
const MAX_LINK_HOPS = 32;

export class TarIndexError extends Error {}

/**
 * Lists the members of an uncompressed tar archive (`docker save`, an OCI layout tar) by reading its
 * headers only: contents are skipped by offset, so that a multi-gigabyte archive is indexed by reading
 * a few kilobytes. Symbolic and hard links between members resolve to their target's bytes.
 */
export function indexTar(fd: number, archiveSize: number): Map<string, TarMember> {
  return indexTarWith((buf, position) => readFully(fd, buf, position), archiveSize);
}

/** `indexTar` over any random-access reader: `readAt` fills `buf` from `position` and returns how many bytes it read. */
export function indexTarWith(readAt: (buf: Buffer, position: number) => number, archiveSize: number): Map<string, TarMember> {
  const members = new Map<string, TarMember>();
  const links = new Map<string, string>();
  for (const entry of walkTar(readAt, archiveSize)) {
    if (entry.link === undefined) members.set(entry.name, entry);
    else links.set(entry.name, entry.link);
  }
  for (const name of links.keys()) {
    let target = links.get(name)!;
    for (let hops = 0; links.has(target); hops++) {
      if (hops >= MAX_LINK_HOPS) throw new TarIndexError(`link loop at ${name}`);
      target = links.get(target)!;
    }
    const member = members.get(target);
    if (member) members.set(name, { ...member, name });
  }
  return members;
}

/** A regular file, or a link (`link` names its target, normalized), in archive order. */
export type TarEntry = TarMember & { link?: string };

/**
 * The regular files and links of a tar archive in the order it stores them, reading headers only.
 * Reads go forward only, so `readAt` may be a stream (`archiveSize` Infinity: the stream's end is the
 * archive's end); a consumer may read an entry's content before asking for the next entry.
 */
export function* walkTar(readAt: (buf: Buffer, position: number) => number, archiveSize: number): Generator<TarEntry> {
  const header = Buffer.alloc(BLOCK);
  let pos = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  let paxSize: number | undefined;
  let count = 0;
  while (pos + BLOCK <= archiveSize) {
    const got = readAt(header, pos);
    if (got === 0 && archiveSize === Infinity) break;
    if (got < BLOCK) throw new TarIndexError(`archive ends inside a header at byte ${pos}`);
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header)) throw new TarIndexError(`bad tar header checksum at byte ${pos}`);
    if (++count > MAX_MEMBERS) throw new TarIndexError(`more than ${MAX_MEMBERS} members`);
    const type = String.fromCharCode(header[156] || 0x30);
    const size = paxSize ?? parseNumber(header, 124, 12);
    const dataStart = pos + BLOCK;
    if (dataStart + size > archiveSize) throw new TarIndexError(`archive is truncated: member at byte ${pos} needs ${size} bytes`);
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x' || type === 'g') {
      if (size > MAX_LONG_HEADER) throw new TarIndexError(`extended header of ${size} bytes at byte ${pos}`);
      const body = Buffer.alloc(size);
      if (readAt(body, dataStart) < size) throw new TarIndexError(`archive is truncated: member at byte ${pos} needs ${size} bytes`);
      if (type === 'L') longName = withoutTrailing(body.toString('utf8'), '\0');
      else if (type === 'x') ({ path: paxPath, size: paxSize } = parsePax(body));
      pos = next;
      continue;
    }
    const stored = longName ?? paxPath ?? headerName(header);
    const name = normalize(stored);
    longName = paxPath = paxSize = undefined;
    if (type === '0' || type === '\0' || type === '7') yield { name, stored, offset: dataStart, size };
    else if (type === '1') yield { name, stored, offset: dataStart, size: 0, link: normalize(cString(header, 157, 100)) };
    else if (type === '2') yield { name, stored, offset: dataStart, size: 0, link: resolveRelative(name, cString(header, 157, 100)) };
    pos = next;
  }
}

function readFully(fd: number, buf: Buffer, position: number): number {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n === 0) break;
    off += n;
  }
  return off;
}

function checksumOk(h: Buffer): boolean {
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) sum += h[i];
  return parseNumber(h, 148, 8) === sum;
}

/** Octal, or base-256 (high bit set) for sizes over 8 GiB. */
function parseNumber(h: Buffer, off: number, len: number): number {
  if (h[off] & 0x80) {
    let v = 0;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + h[i];
    return v;
  }
  const s = cString(h, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function cString(h: Buffer, off: number, len: number): string {
  const end = h.indexOf(0, off);
  return h.toString('utf8', off, end === -1 || end > off + len ? off + len : end);
}

function headerName(h: Buffer): string {
  const name = cString(h, 0, 100);
  const ustar = h.toString('latin1', 257, 262) === 'ustar';
  const prefix = ustar ? cString(h, 345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function parsePax(body: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let i = 0;
  while (i < body.length) {
    const space = body.indexOf(0x20, i);
    if (space === -1) break;
    const len = parseInt(body.toString('latin1', i, space), 10);
    if (!(len > 0) || i + len > body.length) break;
    const record = body.toString('utf8', space + 1, i + len - 1);
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') out.path = value;
    else if (key === 'size') out.size = Number(value);
    i += len;
  }
  return out;
}

/** `./a//b/` → `a/b`. */
export function normalize(name: string): string {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return parts.join('/');
}

function resolveRelative(from: string, target: string): string {
  if (target.startsWith('/')) return normalize(target);
  const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '';
  return normalize(`${dir}/${target}`);
}
