/** Random access to bytes: a file on disk, a stored archive member, or an inflated buffer. */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes from `offset` (fewer at the end). */
  read(offset: number, length: number): Uint8Array;
}

export class BufferSource implements ByteSource {
  readonly size: number;
  constructor(private readonly data: Uint8Array) {
    this.size = data.length;
  }
  read(offset: number, length: number): Uint8Array {
    return this.data.subarray(offset, Math.min(this.size, offset + length));
  }
}

/** A window `[start, start + size)` of another source. */
export class SliceSource implements ByteSource {
  constructor(
    private readonly inner: ByteSource,
    private readonly start: number,
    readonly size: number,
  ) {}
  read(offset: number, length: number): Uint8Array {
    if (offset >= this.size) return new Uint8Array(0);
    return this.inner.read(this.start + offset, Math.min(length, this.size - offset));
  }
}

/** Reads `length` bytes or fewer; never more than the source holds. */
export function readAll(src: ByteSource, offset: number, length: number): Uint8Array {
  const first = src.read(offset, length);
  if (first.length >= length || offset + first.length >= src.size) return first;
  const out = new Uint8Array(Math.min(length, src.size - offset));
  out.set(first);
  let got = first.length;
  while (got < out.length) {
    const more = src.read(offset + got, out.length - got);
    if (more.length === 0) break;
    out.set(more, got);
    got += more.length;
  }
  return got === out.length ? out : out.subarray(0, got);
}

export function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
export function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}
/** A little-endian u64 as a number; values above 2^53 come back as `Infinity` (no file is that big). */
export function u64(b: Uint8Array, o: number): number {
  const hi = u32(b, o + 4);
  if (hi >= 0x200000) return Infinity;
  return hi * 0x100000000 + u32(b, o);
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
export function ascii(b: Uint8Array): string {
  return latin1.decode(b);
}
export function utf8Text(b: Uint8Array): string {
  return utf8.decode(b);
}

/** Byte offset of `needle` in `hay` at or after `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const n = needle.length;
  const first = needle[0];
  for (let i = hay.indexOf(first, from); i !== -1 && i + n <= hay.length; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < n && hay[i + k] === needle[k]) k++;
    if (k === n) return i;
  }
  return -1;
}
