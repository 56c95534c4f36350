/** Builders for safetensors and GGUF fixtures. */

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
