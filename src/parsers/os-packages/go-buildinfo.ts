import type { RandomAccess } from './sqlite.js';

/**
 * The build information Go (≥ 1.13 with modules) embeds in every executable, read without running it:
 * a 32-byte header starting with `\xff Go buildinf:` (16-byte aligned, in the `.go.buildinfo` section
 * of ELF files), then either (Go ≥ 1.18, flag bit 2) the Go version and the module information as
 * length-prefixed strings right after the header, or (older) two pointers to Go string headers
 * (`runtime.buildVersion`, `runtime.modinfo`) resolved through the program headers. The module
 * information is text (`path`, `mod`, `dep`, `=>` replacement and `build` lines) between two 16-byte
 * sentinels. Written from the layout `debug/buildinfo` reads.
 */

export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const SECTION_NAME = Buffer.from('.go.buildinfo', 'latin1');
const HEADER = 32;
const FLAG_BIG_ENDIAN = 0x1;
const FLAG_VERSION_INLINE = 0x2;
const MAX_STRING = 4 * 1024 * 1024;
/** The sentinels around `runtime.modinfo` (cmd/go's `modload.infoStart`/`infoEnd`). */
export const MODINFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
export const MODINFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  /** The module that replaced it (`=>` line), whose version is what the binary contains. */
  replacedBy?: { path: string; version: string };
}

export interface GoBuildInfo {
  /** `go1.21.5` */
  goVersion?: string;
  /** The main package's import path. */
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  /** `-ldflags`, `GOOS`, `CGO_ENABLED`, `vcs.revision`, … */
  settings: Array<[string, string]>;
}

export class GoBuildInfoError extends Error {}

/** True when the bytes start an ELF file. */
export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

interface Elf {
  is64: boolean;
  little: boolean;
  sections: Array<{ name: string; offset: number; size: number; addr: number }>;
  loads: Array<{ vaddr: number; offset: number; filesz: number; writable: boolean }>;
  /**
   * The headers cannot be trusted to tell where build information is: there is no section table (or
   * it cannot be read), no section is named `.shstrtab`, a section's bytes run past the end of the
   * file, the section names hold `.go.buildinfo` that no section is named by, or the program headers
   * have no writable segment.
   */
  damaged: boolean;
}

function readElf(file: RandomAccess): Elf {
  const h = file.read(0, 64);
  if (!isElf(h) || h.length < 52) throw new GoBuildInfoError('not an ELF file');
  const is64 = h[4] === 2;
  const little = h[5] === 1;
  const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const word = (off: number) => (is64 ? Number(v.getBigUint64(off, little)) : v.getUint32(off, little));
  const u16 = (off: number) => v.getUint16(off, little);
  const phoff = word(is64 ? 0x20 : 0x1c);
  const shoff = word(is64 ? 0x28 : 0x20);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  const loads: Elf['loads'] = [];
  if (phoff && phnum && phnum < 4096 && phentsize >= (is64 ? 56 : 32)) {
    const ph = file.read(phoff, phnum * phentsize);
    const pv = new DataView(ph.buffer, ph.byteOffset, ph.byteLength);
    for (let i = 0; i < phnum && (i + 1) * phentsize <= ph.length; i++) {
      const o = i * phentsize;
      if (pv.getUint32(o, little) !== 1) continue; // PT_LOAD
      const w = (off: number) => (is64 ? Number(pv.getBigUint64(o + off, little)) : pv.getUint32(o + off, little));
      const flags = pv.getUint32(o + (is64 ? 4 : 24), little);
      loads.push({ offset: w(is64 ? 8 : 4), vaddr: w(is64 ? 16 : 8), filesz: w(is64 ? 32 : 16), writable: (flags & 2) !== 0 });
    }
  }
  const sections: Elf['sections'] = [];
  let namesGo = false;
  let pastEnd = false;
  if (shoff && shnum && shnum < 65536 && shentsize >= (is64 ? 64 : 40) && shstrndx < shnum) {
    const sh = file.read(shoff, shnum * shentsize);
    const sv = new DataView(sh.buffer, sh.byteOffset, sh.byteLength);
    const entry = (i: number) => {
      const o = i * shentsize;
      const w = (off: number) => (is64 ? Number(sv.getBigUint64(o + off, little)) : sv.getUint32(o + off, little));
      return {
        nameOff: sv.getUint32(o, little),
        type: sv.getUint32(o + 4, little),
        addr: w(is64 ? 16 : 12),
        offset: w(is64 ? 24 : 16),
        size: w(is64 ? 32 : 20),
      };
    };
    if ((shstrndx + 1) * shentsize <= sh.length) {
      const strtab = entry(shstrndx);
      const names = file.read(strtab.offset, Math.min(strtab.size, 1 << 20));
      namesGo = Buffer.from(names.buffer, names.byteOffset, names.byteLength).includes(SECTION_NAME);
      for (let i = 0; i < shnum && (i + 1) * shentsize <= sh.length; i++) {
        const e = entry(i);
        // SHT_NOBITS (.bss) takes no bytes of the file.
        if (e.type !== 8 && e.offset + e.size > file.size) pastEnd = true;
        let end = e.nameOff;
        while (end < names.length && names[end] !== 0) end++;
        sections.push({
          name: Buffer.from(names.subarray(e.nameOff, end)).toString('latin1'),
          offset: e.offset,
          size: e.size,
          addr: e.addr,
        });
      }
    }
  }
  const damaged =
    sections.length === 0 ||
    // Program headers without a writable segment: no program is linked so, Go's included.
    (loads.length > 0 && !loads.some((l) => l.writable)) ||
    pastEnd ||
    !sections.some((s) => s.name === '.shstrtab') ||
    (namesGo && !sections.some((s) => s.name === '.go.buildinfo'));
  return { is64, little, sections, loads, damaged };
}

/** Bytes the search of a whole file reads at a time. */
const SEARCH_CHUNK = 1 << 20;
/**
 * How far into a file with damaged headers the build information header is searched for: a Go
 * program puts it at the start of its data, after its code (a few MiB, rarely tens); a core dump or
 * a packed executable, which has no section table either, is not read past it.
 */
export const SEARCH_LIMIT = 64 << 20;

/**
 * True when the 14 bytes at `i` are the magic and the two after it could be a header's pointer size
 * (4 or 8) and flags (big-endian, inline): a header moved off its alignment, not the magic string
 * as a program that reads Go executables holds it.
 */
function headerAt(b: Buffer, i: number): boolean {
  return (b[i + 14] === 4 || b[i + 14] === 8) && b[i + 15] <= (FLAG_BIG_ENDIAN | FLAG_VERSION_INLINE);
}

/**
 * Where the build information header lies in the first `limit` bytes of a file, chunk by chunk: the
 * first 16-byte aligned magic (`aligned`), the first header off that alignment before it
 * (`unaligned`, one a damaged file moved), and the first `.go.buildinfo` section name (`named`, in the
 * section names of a Go program); -1 for none. Linear: one `indexOf` pass of each per chunk.
 */
export function findBuildInfoMagic(file: RandomAccess, limit = SEARCH_LIMIT): { aligned: number; unaligned: number; named: number } {
  let unaligned = -1;
  let named = -1;
  const end = Math.min(file.size, limit);
  const overlap = Math.max(HEADER, SECTION_NAME.length) - 1;
  for (let base = 0; base < end; base += SEARCH_CHUNK) {
    const own = Math.min(SEARCH_CHUNK, end - base);
    const bytes = file.read(base, Math.min(own + overlap, file.size - base));
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (named === -1) {
      const n = chunk.indexOf(SECTION_NAME);
      if (n !== -1 && n < own) named = base + n;
    }
    for (let i = chunk.indexOf(BUILDINFO_MAGIC); i !== -1 && i < own; i = chunk.indexOf(BUILDINFO_MAGIC, i + 1)) {
      if ((base + i) % 16 === 0) return { aligned: base + i, unaligned, named };
      if (unaligned === -1 && headerAt(chunk, i)) unaligned = base + i;
    }
    if (bytes.length < own) break;
  }
  return { aligned: -1, unaligned, named };
}

/** Where readGoBuildInfo looks for the header, and what it finds there (offsets in the file, -1 for none). */
interface Lookup {
  elf: Elf | undefined;
  /** The `.go.buildinfo` section was found (by name). */
  section: boolean;
  /** The first 16-byte aligned magic where Go's reader looks. */
  at: number;
  /** The first header off its alignment there. */
  unaligned: number;
  /** The headers cannot be trusted: the file's first SEARCH_LIMIT bytes are searched. */
  searched: boolean;
}

function lookup(file: RandomAccess): Lookup {
  let elf: Elf | undefined;
  try {
    elf = readElf(file);
  } catch (e) {
    // Headers whose offsets run past the end of the file: the search still finds a header.
    if (!(e instanceof RangeError)) throw e;
  }
  const section = elf?.sections.find((s) => s.name === '.go.buildinfo');
  // Without section headers, Go's own reader looks at the start of the first writable segment.
  const where = section ?? elf?.loads.find((l) => l.writable && l.filesz > 0);
  let at = -1;
  let unaligned = -1;
  if (where) {
    const size = 'size' in where ? where.size : where.filesz;
    const bytes = file.read(where.offset, Math.min(size, 64 * 1024));
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = data.indexOf(BUILDINFO_MAGIC); i !== -1 && i + HEADER <= data.length; i = data.indexOf(BUILDINFO_MAGIC, i + 1)) {
      if ((where.offset + i) % 16 === 0) {
        at = where.offset + i;
        break;
      }
      if (unaligned === -1 && headerAt(data, i)) unaligned = where.offset + i;
    }
  }
  return {
    elf,
    section: section !== undefined,
    at,
    unaligned,
    searched: at === -1 && !section && unaligned === -1 && (!elf || elf.damaged),
  };
}

/**
 * True when the bytes readGoBuildInfo looks at show build information, which it must then read or
 * say is damaged: a header (16-byte aligned, or one off that alignment) where Go's reader looks, a
 * `.go.buildinfo` section, or, in a file whose headers cannot be trusted, a header or the section
 * name in its first SEARCH_LIMIT bytes. The fuzzer's check that a Go program is never passed over
 * in silence.
 */
export function showsGoBuildInfo(file: RandomAccess): boolean {
  const l = lookup(file);
  if (l.at !== -1 || l.unaligned !== -1 || l.section) return true;
  if (!l.searched) return false;
  const found = findBuildInfoMagic(file);
  return found.aligned !== -1 || found.unaligned !== -1 || found.named !== -1;
}

/**
 * Reads the build information of an ELF executable by positioned reads; undefined when it has none
 * (not a Go program). Where Go's own reader looks first: the `.go.buildinfo` section, or without
 * that section the first 64 KiB of the first writable segment; a header there off its 16-byte
 * alignment is said to be damaged. When neither holds a header and the headers cannot be trusted (no
 * section table, one that is damaged, names `.go.buildinfo` without a section so named, no writable
 * segment, or headers that run past the end of the file), the file's first 64 MiB (SEARCH_LIMIT) are
 * searched for it, as the image scan's stream reader does: a header found there is read, one off its
 * alignment or a section name without any header is said to be damaged. An ELF file with an intact
 * section table and no `.go.buildinfo` section (every shared library that is not Go) is not searched.
 */
export function readGoBuildInfo(file: RandomAccess): GoBuildInfo | undefined {
  const found = lookup(file);
  const elf = found.elf;
  let at = found.at;
  if (at === -1) {
    // A section named for build information without its header: a Go program whose build information is damaged.
    if (found.section) throw new GoBuildInfoError('the .go.buildinfo section holds no build information header');
    if (found.unaligned !== -1) throw offAlignment(found.unaligned);
    // An intact section table without the section: a program that is not Go, not searched further.
    if (!found.searched) return undefined;
    const search = findBuildInfoMagic(file);
    if (search.unaligned !== -1 && search.aligned === -1) throw offAlignment(search.unaligned);
    if (search.aligned === -1 && search.named !== -1)
      throw new GoBuildInfoError(
        `the file names a .go.buildinfo section (byte ${search.named}) but holds no build information header: it is damaged`,
      );
    if (search.aligned === -1) return undefined;
    at = search.aligned;
  }
  if (at + HEADER > file.size) throw new GoBuildInfoError('the file ends inside its build information header');
  const header = file.read(at, HEADER);
  const flags = header[15];
  if (flags & FLAG_VERSION_INLINE) {
    const rest = file.read(at + HEADER, MAX_STRING);
    return decodeInline(rest);
  }
  const ptrSize = header[14];
  if (ptrSize !== 4 && ptrSize !== 8) throw new GoBuildInfoError(`unexpected pointer size ${ptrSize}`);
  const loads = elf?.loads;
  if (!loads) throw new GoBuildInfoError('the program headers the build information points through cannot be read');
  const big = (flags & FLAG_BIG_ENDIAN) !== 0;
  const ptr = (b: Uint8Array, off: number) => {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return ptrSize === 8 ? Number(dv.getBigUint64(off, !big)) : dv.getUint32(off, !big);
  };
  const readAt = (vaddr: number, len: number): Uint8Array => {
    const seg = loads.find((l) => vaddr >= l.vaddr && vaddr + len <= l.vaddr + l.filesz);
    if (!seg) throw new GoBuildInfoError(`address 0x${vaddr.toString(16)} is outside the file's segments`);
    return file.read(seg.offset + (vaddr - seg.vaddr), len);
  };
  const goString = (vaddr: number): string => {
    const hdr = readAt(vaddr, 2 * ptrSize);
    const len = ptr(hdr, ptrSize);
    if (len > MAX_STRING) throw new GoBuildInfoError('string longer than the limit');
    return len === 0 ? '' : Buffer.from(readAt(ptr(hdr, 0), len)).toString('utf8');
  };
  const version = goString(ptr(header, 16));
  const modinfo = goString(ptr(header, 16 + ptrSize));
  return decodeModinfo(version, modinfo);
}

function offAlignment(at: number): GoBuildInfoError {
  return new GoBuildInfoError(
    `a build information header lies at byte ${at}, off the 16-byte alignment Go writes it at: the file is damaged`,
  );
}

/** Go's `binary.Uvarint`. */
function uvarint(b: Uint8Array, off: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (let i = 0; i < 10 && off + i < b.length; i++) {
    const byte = b[off + i];
    v += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [v, i + 1];
    shift += 7;
  }
  throw new GoBuildInfoError('truncated length');
}

/** The Go ≥ 1.18 layout: two length-prefixed strings after the header (`bytes` starts right after it). */
export function decodeInline(bytes: Uint8Array): GoBuildInfo {
  const [vlen, a] = uvarint(bytes, 0);
  if (a + vlen > bytes.length) throw new GoBuildInfoError('truncated Go version');
  const version = Buffer.from(bytes.subarray(a, a + vlen)).toString('utf8');
  const [mlen, b] = uvarint(bytes, a + vlen);
  const start = a + vlen + b;
  if (mlen > MAX_STRING || start + mlen > bytes.length) throw new GoBuildInfoError('truncated module information');
  return decodeModinfo(version, Buffer.from(bytes.subarray(start, start + mlen)).toString('utf8'));
}

/** Bytes an inline build information needs after its header, once the two lengths are known (undefined until they can be read). */
export function inlineLength(bytes: Uint8Array): number | undefined {
  try {
    const [vlen, a] = uvarint(bytes, 0);
    if (a + vlen >= bytes.length) return undefined;
    const [mlen, b] = uvarint(bytes, a + vlen);
    return a + vlen + b + mlen;
  } catch {
    return undefined;
  }
}

/** Parses the module information text (sentinels removed when present). */
export function decodeModinfo(goVersion: string, modinfo: string): GoBuildInfo {
  let text = modinfo;
  if (text.length >= 33 && text[text.length - 17] === '\n') text = text.slice(16, -16);
  const info: GoBuildInfo = { deps: [], settings: [] };
  if (/^go1\./.test(goVersion)) info.goVersion = goVersion;
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'path':
        info.path = f[1];
        break;
      case 'mod':
        last = info.main = module(f);
        break;
      case 'dep':
        last = module(f);
        info.deps.push(last);
        break;
      case '=>':
        if (last && f[1]) last.replacedBy = { path: f[1], version: f[2] ?? '' };
        break;
      case 'build': {
        const eq = (f[1] ?? '').indexOf('=');
        if (eq > 0) info.settings.push([f[1].slice(0, eq), f[1].slice(eq + 1)]);
        break;
      }
    }
  }
  return info;
}

function module(f: string[]): GoModule {
  const m: GoModule = { path: f[1] ?? '', version: f[2] ?? '' };
  if (f[3]) m.sum = f[3];
  return m;
}

/**
 * Finds the build information in an executable read as a stream, without holding it: the header is
 * searched for in each chunk (with the bytes a header may straddle kept from the one before), and the
 * bytes after it kept until the module information is complete. Go ≥ 1.18 binaries (inline layout)
 * give everything; older ones give their module list through its sentinels, without the Go version,
 * whose string lies before the header.
 */
export class GoBuildInfoScanner {
  private offset = 0;
  private tail: Uint8Array = new Uint8Array(0);
  private capture: Uint8Array[] | undefined;
  private captured = 0;
  private inline = false;
  private modinfoCapture: Uint8Array[] | undefined;
  private modinfoBytes = 0;
  private done: GoBuildInfo | undefined;
  private legacyModinfo: string | undefined;
  private sawHeader = false;
  /** The module information found at a seam took this chunk whole already. */
  private chunkCollected = false;

  push(chunk: Uint8Array): void {
    if (this.done) return;
    if (this.capture) {
      this.capture.push(chunk);
      this.captured += chunk.length;
      this.tryInline();
      return;
    }
    const c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Matches that start in the previous chunk's last bytes: searched in those bytes joined with this chunk's first ones.
    if (this.tail.length) {
      const head = c.subarray(0, HEADER + 16);
      const seam = Buffer.concat([this.tail, head]);
      if (this.search(seam, this.offset - this.tail.length, this.tail.length, c.subarray(head.length))) return;
    }
    if (this.search(c, this.offset, c.length, undefined)) return;
    this.offset += c.length;
    const keep = HEADER + 15;
    this.tail = Buffer.from(c.length >= keep ? c.subarray(c.length - keep) : Buffer.concat([this.tail, c]).subarray(-keep));
  }

  /**
   * Looks for the module information sentinel and the build information header starting in
   * `buf[0, limit)` (`base` is the stream offset of `buf[0]`; `rest` follows `buf` in the stream).
   * True when the inline build information began: the rest of the stream is captured.
   */
  private search(buf: Buffer, base: number, limit: number, rest: Buffer | undefined): boolean {
    if (this.modinfoCapture) {
      if (rest === undefined && !this.chunkCollected) this.collectModinfo(buf);
      this.chunkCollected = false;
    } else {
      const s = buf.indexOf(MODINFO_START);
      if (s !== -1 && s < limit) {
        this.modinfoCapture = [];
        this.collectModinfo(rest ? Buffer.concat([buf.subarray(s), rest]) : buf.subarray(s));
        this.chunkCollected = rest !== undefined;
      }
    }
    for (let i = buf.indexOf(BUILDINFO_MAGIC); i !== -1 && i < limit; i = buf.indexOf(BUILDINFO_MAGIC, i + 1)) {
      if ((base + i) % 16 !== 0) continue;
      if (i + HEADER > buf.length) break; // completed with the next chunk (kept in the tail)
      this.sawHeader = true;
      this.inline = (buf[i + 15] & FLAG_VERSION_INLINE) !== 0;
      if (this.inline) {
        this.capture = rest ? [buf.subarray(i + HEADER), rest] : [buf.subarray(i + HEADER)];
        this.captured = buf.length - i - HEADER + (rest?.length ?? 0);
        this.tryInline();
        return true;
      }
    }
    return false;
  }

  private tryInline(): void {
    const joined = Buffer.concat(this.capture!);
    this.capture = [joined];
    const need = inlineLength(joined);
    if (need !== undefined && joined.length >= need) this.done = decodeInline(joined);
    else if (joined.length > MAX_STRING) throw new GoBuildInfoError('module information longer than the limit');
  }

  private collectModinfo(bytes: Uint8Array): void {
    if (this.legacyModinfo !== undefined) return;
    this.modinfoCapture!.push(bytes);
    this.modinfoBytes += bytes.length;
    const joined = Buffer.concat(this.modinfoCapture!);
    this.modinfoCapture = [joined];
    const end = joined.indexOf(MODINFO_END, 16);
    if (end !== -1) this.legacyModinfo = joined.subarray(0, end + 16).toString('utf8');
    else if (this.modinfoBytes > MAX_STRING) this.modinfoCapture = undefined;
  }

  /** The build information found, once the stream has ended; undefined for a program that is not Go. */
  result(): GoBuildInfo | undefined {
    if (this.done) return this.done;
    if (this.capture) throw new GoBuildInfoError('the file ends inside its build information');
    if (this.sawHeader && this.legacyModinfo !== undefined) return decodeModinfo('', this.legacyModinfo);
    return undefined;
  }
}
