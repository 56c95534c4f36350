/** Builders for safetensors and GGUF fixtures. */
import { crc32 } from 'node:zlib';

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** A safetensors file from a header object (written as given) and a data buffer. */
export function safetensors(
  header: Record<string, SafetensorsEntry | Record<string, string> | unknown>,
  data: Uint8Array,
  headerLength?: number,
): Uint8Array {
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const h = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Tensors laid out back to back, as `safetensors.save_file` writes them. */
export function packedSafetensors(
  tensors: Record<string, { dtype: 'F32' | 'F16' | 'I64'; shape: number[] }>,
  metadata?: Record<string, string>,
): Uint8Array {
  const size = { F32: 4, F16: 2, I64: 8 };
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let off = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1) * size[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + n] };
    off += n;
  }
  return safetensors(header, new Uint8Array(off));
}

type GgufValue =
  | { type: 'string'; value: string }
  | { type: 'u32'; value: number }
  | { type: 'strings'; value: string[] }
  | { type: 'f32'; value: number };

/** A GGUF v3 file with the given metadata and no tensors. */
export function gguf(kv: Record<string, GgufValue>, version = 3): Uint8Array {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    parts.push(b);
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    parts.push(b);
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    u64(b.length);
    parts.push(b);
  };
  parts.push(Buffer.from('GGUF'));
  u32(version);
  u64(0);
  u64(Object.keys(kv).length);
  for (const [k, v] of Object.entries(kv)) {
    str(k);
    if (v.type === 'string') {
      u32(8);
      str(v.value);
    } else if (v.type === 'u32') {
      u32(4);
      u32(v.value);
    } else if (v.type === 'f32') {
      u32(6);
      const b = Buffer.alloc(4);
      b.writeFloatLE(v.value);
      parts.push(b);
    } else {
      u32(9);
      u32(8);
      u64(v.value.length);
      for (const s of v.value) str(s);
    }
  }
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * A 7z archive as 7-Zip lays it out: the 32-byte signature header (signature, version 0.4, CRC of the
 * start header, offset/size/CRC of the next header), the packed streams, then the header. `packed`
 * stands for the compressed member data; the header is an empty `kHeader … kEnd`.
 */
export function sevenZip(packed: Uint8Array): Uint8Array {
  const next = Uint8Array.from([0x01, 0x00]);
  const start = Buffer.alloc(20);
  start.writeBigUInt64LE(BigInt(packed.length), 0);
  start.writeBigUInt64LE(BigInt(next.length), 8);
  start.writeUInt32LE(crc32(next) >>> 0, 16);
  const sig = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04, 0, 0, 0, 0]);
  sig.writeUInt32LE(crc32(start) >>> 0, 8);
  return Uint8Array.from([...sig, ...start, ...packed, ...next]);
}

/** A RAR 5 archive: signature, main archive header and end-of-archive header (each with its CRC32). */
export function rar5(): Uint8Array {
  const block = (type: number) => {
    const body = Uint8Array.from([type, 0x00, 0x00]);
    const withSize = Uint8Array.from([body.length, ...body]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(withSize) >>> 0, 0);
    return [...crc, ...withSize];
  };
  return Uint8Array.from([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00, ...block(1), ...block(5)]);
}
