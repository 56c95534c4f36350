/**
 * Minimal ELF executables carrying Go build information, written byte by byte from the layout
 * `debug/buildinfo` reads (no Go toolchain needed): the parser tests and the fuzzer's seeds use them.
 */
import { BUILDINFO_MAGIC, MODINFO_END, MODINFO_START } from '../parsers/os-packages/go-buildinfo.js';

const BASE = 0x400000;

function elfHeader(f: Buffer, size: number, shoff: number, shnum: number): void {
  f.write('\x7fELF', 0, 'latin1');
  f[4] = 2; // 64-bit
  f[5] = 1; // little-endian
  f[6] = 1;
  f.writeUInt16LE(2, 16); // ET_EXEC
  f.writeUInt16LE(0x3e, 18); // x86-64
  f.writeUInt32LE(1, 20);
  f.writeBigUInt64LE(64n, 32); // e_phoff
  f.writeBigUInt64LE(BigInt(shoff), 40); // e_shoff
  f.writeUInt16LE(64, 52);
  f.writeUInt16LE(56, 54);
  f.writeUInt16LE(1, 56); // one program header
  f.writeUInt16LE(64, 58);
  f.writeUInt16LE(shnum, 60);
  f.writeUInt16LE(shnum ? 1 : 0, 62); // e_shstrndx
  f.writeUInt32LE(1, 64); // PT_LOAD, read-write, the whole file
  f.writeUInt32LE(6, 68);
  f.writeBigUInt64LE(0n, 72);
  f.writeBigUInt64LE(BigInt(BASE), 80);
  f.writeBigUInt64LE(BigInt(size), 96);
  f.writeBigUInt64LE(BigInt(size), 104);
}

/** Section headers (null, `.shstrtab`, `.go.buildinfo`) at `shoff`, names at `names`. */
function sections(f: Buffer, shoff: number, names: number, buildinfo: number, buildinfoSize: number): void {
  f.write('\0.shstrtab\0.go.buildinfo\0', names, 'latin1');
  const section = (i: number, name: number, offset: number, size: number) => {
    const o = shoff + i * 64;
    f.writeUInt32LE(name, o);
    f.writeUInt32LE(1, o + 4);
    f.writeBigUInt64LE(BigInt(BASE + offset), o + 16);
    f.writeBigUInt64LE(BigInt(offset), o + 24);
    f.writeBigUInt64LE(BigInt(size), o + 32);
  };
  section(1, 1, names, 25);
  section(2, 11, buildinfo, buildinfoSize);
}

/** The module information as the linker stores it: text between the two sentinels. */
export function modinfoBlob(modinfo: string | Uint8Array): Buffer {
  return Buffer.concat([MODINFO_START, typeof modinfo === 'string' ? Buffer.from(modinfo) : modinfo, MODINFO_END]);
}

/** A minimal 64-bit ELF file laid out as Go < 1.18 linkers did: string data first, then the build information pointing at string headers after it. */
export function legacyGoElf(goVersion: string, modinfo: string): Buffer {
  const f = Buffer.alloc(1344);
  elfHeader(f, 1344, 1152, 3);
  const mod = modinfoBlob(modinfo);
  f.write(goVersion, 128, 'latin1');
  mod.copy(f, 160);
  BUILDINFO_MAGIC.copy(f, 1024);
  f[1024 + 14] = 8;
  f[1024 + 15] = 0;
  f.writeBigUInt64LE(BigInt(BASE + 1056), 1024 + 16);
  f.writeBigUInt64LE(BigInt(BASE + 1072), 1024 + 24);
  f.writeBigUInt64LE(BigInt(BASE + 128), 1056);
  f.writeBigUInt64LE(BigInt(goVersion.length), 1064);
  f.writeBigUInt64LE(BigInt(BASE + 160), 1072);
  f.writeBigUInt64LE(BigInt(mod.length), 1080);
  sections(f, 1152, 1100, 1024, 64);
  return f;
}

/** Go's `binary.AppendUvarint`. */
function uvarint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

/**
 * A minimal 64-bit ELF file laid out as Go ≥ 1.18 linkers do: the build information header (flag 2)
 * followed by the Go version and the module information as length-prefixed strings. Without
 * `sections`, there are no section headers and the header is found at the start of the writable segment.
 */
export function inlineGoElf(goVersion: string, modinfo: string | Uint8Array, opts: { sections?: boolean } = {}): Buffer {
  const withSections = opts.sections ?? true;
  const version = Buffer.from(goVersion, 'latin1');
  const mod = modinfoBlob(modinfo);
  const payload = Buffer.concat([uvarint(version.length), version, uvarint(mod.length), mod]);
  const at = 128;
  const infoSize = 32 + payload.length;
  const names = at + infoSize;
  const shoff = (names + 25 + 7) & ~7;
  const size = withSections ? shoff + 3 * 64 : at + infoSize;
  const f = Buffer.alloc(size);
  elfHeader(f, size, withSections ? shoff : 0, withSections ? 3 : 0);
  BUILDINFO_MAGIC.copy(f, at);
  f[at + 14] = 8;
  f[at + 15] = 2; // version inline
  payload.copy(f, at + 32);
  if (withSections) sections(f, shoff, names, at, infoSize);
  return f;
}
